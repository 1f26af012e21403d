"""Scan and redact images and videos: faces, text in the pixels, barcodes, metadata, captions.

>>> from phigate.media import MediaScanner, redact_media
>>> report = MediaScanner().scan("whiteboard.jpg")
>>> [(f.type, f.source, f.box) for f in report.findings]
>>> redact_media("whiteboard.jpg", "whiteboard-safe.jpg").verified
"""

from phigate.media.loading import MediaError, MediaLimits
from phigate.media.preview import write_preview
from phigate.media.redact import Redaction, redact_media
from phigate.media.report import Box, MediaFinding, MediaReport, Source
from phigate.media.scanner import MediaScanner, MediaScanOptions

MEDIA_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".mp4", ".m4v", ".mov", ".webm"}
)

__all__ = [
    "MEDIA_SUFFIXES",
    "Box",
    "MediaError",
    "MediaFinding",
    "MediaLimits",
    "MediaReport",
    "MediaScanOptions",
    "MediaScanner",
    "Redaction",
    "Source",
    "redact_media",
    "write_preview",
]
