"""Bulk scans: an organization's whole history (posts, comments, images and videos from an export)
read from a folder or a .zip, cut into chunks, scanned by Celery tasks in-process or across workers,
and written to a result file that a rerun resumes.

>>> from phigate.bulk import run_bulk
>>> run_bulk(Path("export.zip"), Path("results.jsonl")).summary.by_verdict
"""

from phigate.bulk.archive import Archive, ArchiveError, ArchiveProblem, MediaItem, TextItem
from phigate.bulk.plan import ChunkSizes, plan_chunks
from phigate.bulk.results import ResultFile, Summary
from phigate.bulk.run import BulkError, BulkOptions, BulkState, run_bulk

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveProblem",
    "BulkError",
    "BulkOptions",
    "BulkState",
    "ChunkSizes",
    "MediaItem",
    "ResultFile",
    "Summary",
    "TextItem",
    "plan_chunks",
    "run_bulk",
]
