"""Run a bulk scan: read the archive, skip what the result file already holds, send the rest out as
`phigate.jobs.scan_chunk` tasks and append each chunk's results as it comes back.

Embedded mode (no PHIGATE_BROKER_URL) runs each chunk in-process. With a broker, up to `in_flight`
chunks wait on the queue for however many workers are listening, and results are collected in the
order they finish: more workers, faster scan, same code. Interrupt it at any point and run it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phigate.bulk.archive import Archive, ArchiveLimits, ArchiveProblem, Item, MediaItem
from phigate.bulk.plan import ChunkSizes, count_chunks, plan_chunks
from phigate.bulk.results import ResultFile, Summary
from phigate.bulk.work import MediaTransfer, chunk_message, describe

log = logging.getLogger(__name__)


class BulkError(RuntimeError):
    """The run cannot start (no result backend to collect from, for one)."""


@dataclass(frozen=True, slots=True)
class BulkOptions:
    sizes: ChunkSizes = field(default_factory=ChunkSizes)
    transfer: MediaTransfer = "bytes"
    profile: dict[str, Any] | None = None
    queue: str | None = None  # the Celery queue the workers listen on (default: Celery's own)
    in_flight: int = 32  # chunks queued at once: enough to keep every worker busy, bounded memory
    poll_seconds: float = 0.1
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)


@dataclass(slots=True)
class BulkState:
    archive: str
    total: int = 0  # items and problems in the archive
    already_done: int = 0  # found in the result file when the run started
    chunks_total: int = 0
    chunks_done: int = 0
    chunks_failed: int = 0
    state: str = "running"
    summary: Summary = field(default_factory=Summary)  # the whole result file, old lines included

    @property
    def done(self) -> int:
        return self.summary.done

    def to_manifest(self) -> dict[str, Any]:
        return {
            "archive": self.archive, "state": self.state, "total": self.total,
            "done": self.done, "failed": self.summary.failed,
            "chunks_total": self.chunks_total, "chunks_done": self.chunks_done,
            "chunks_failed": self.chunks_failed, "summary": self.summary.to_dict(),
        }  # fmt: skip


Observer = Callable[[BulkState], None]


def run_bulk(
    archive_path: Path,
    results_path: Path,
    options: BulkOptions | None = None,
    observe: Observer | None = None,
) -> BulkState:
    """Scan every item the result file does not hold yet; return the state of the whole file."""
    from phigate import jobs

    options = options or BulkOptions()
    embedded = bool(jobs.app.conf.task_always_eager)
    if not embedded and not jobs.app.conf.result_backend:
        raise BulkError(
            "a bulk scan with workers collects their results: set PHIGATE_RESULT_BACKEND "
            "(the same Redis as the broker will do)"
        )
    results = ResultFile(results_path)
    results.repair()
    summary, done = Summary(), set()
    for result in results.read():
        summary.add(result)
        done.add(result["item"])
    state = BulkState(str(archive_path), already_done=summary.done, summary=summary)
    # Chunk counts go on from where an interrupted run left them (a chunk is the same work).
    state.chunks_done = int((results.read_manifest() or {}).get("chunks_done", 0)) if done else 0
    notify = observe or (lambda _: None)
    with Archive(archive_path, options.limits, exclude=[results.path]) as archive:
        _count(archive, done, options.sizes, state)
        results.write_manifest(state.to_manifest())
        notify(state)
        transfer: MediaTransfer = "path" if embedded else options.transfer

        def record(chunk_results: list[dict[str, Any]]) -> None:
            fresh = [r for r in chunk_results if r["item"] not in done]
            results.append(fresh)
            for result in fresh:
                done.add(result["item"])
                state.summary.add(result)

        chunks = plan_chunks(_pending_items(archive, done, record), options.sizes)
        messages = (chunk_message(chunk, archive, transfer, options.profile) for chunk in chunks)
        try:
            collect = _run_embedded if embedded else _run_with_workers
            for chunk_results in collect(messages, options):
                if chunk_results is None:
                    state.chunks_failed += 1
                else:
                    record(chunk_results)
                    state.chunks_done += 1
                results.write_manifest(state.to_manifest())
                notify(state)
        except BaseException:
            state.state = "interrupted"
            results.write_manifest(state.to_manifest())
            raise
    state.state = "finished" if not state.chunks_failed else "incomplete"
    results.write_manifest(state.to_manifest())
    return state


def _count(archive: Archive, done: set[str], sizes: ChunkSizes, state: BulkState) -> None:
    """A first pass over the archive for the totals a progress bar needs; nothing is kept."""
    texts = media = 0
    for entry in archive.entries():
        state.total += 1
        if entry.key in done or isinstance(entry, ArchiveProblem):
            continue
        if isinstance(entry, MediaItem):
            media += 1
        else:
            texts += 1
    state.chunks_total = state.chunks_done + count_chunks(texts, media, sizes)


def _pending_items(
    archive: Archive, done: set[str], record: Callable[[list[dict[str, Any]]], None]
) -> Iterator[Item]:
    """The items still to scan; problems are recorded as they are met, once."""
    for entry in archive.entries():
        if entry.key in done:
            continue
        if isinstance(entry, ArchiveProblem):
            where = f"{entry.source}, line {entry.line}" if entry.line else entry.source
            record([{"item": entry.key, "source": entry.source, "line": entry.line,
                     "error": f"{where}: {entry.message}"}])  # fmt: skip
            continue
        yield entry


def _submit(message: dict[str, Any], options: BulkOptions) -> Any:
    from phigate import jobs

    routing = {"queue": options.queue} if options.queue else {}
    # argsrepr: monitoring tools and worker logs show the chunk's size, not the posts in it.
    return jobs.scan_chunk.apply_async(
        (message,), argsrepr=f"({describe(message)})", kwargsrepr="{}", **routing
    )


def _run_embedded(
    messages: Iterator[dict[str, Any]], options: BulkOptions
) -> Iterator[list[dict[str, Any]] | None]:
    from phigate import jobs

    for message in messages:
        # The task's body, called in-process: the same work a worker does, no broker, no backend.
        try:
            results: list[dict[str, Any]] = jobs.scan_chunk(message)
        except Exception as error:
            log.error("bulk: chunk %d failed (%s)", message["chunk"], type(error).__name__)
            yield None
        else:
            yield results


def _run_with_workers(
    messages: Iterator[dict[str, Any]], options: BulkOptions
) -> Iterator[list[dict[str, Any]] | None]:
    in_flight: list[tuple[int, Any]] = []
    exhausted = False
    try:
        while in_flight or not exhausted:
            while not exhausted and len(in_flight) < max(1, options.in_flight):
                message = next(messages, None)
                if message is None:
                    exhausted = True
                else:
                    in_flight.append((message["chunk"], _submit(message, options)))
            finished = [(index, r) for index, r in in_flight if r.ready()]
            if not finished:
                time.sleep(options.poll_seconds)
                continue
            for index, outcome in finished:
                in_flight.remove((index, outcome))
                if outcome.successful():
                    value = outcome.result
                    outcome.forget()
                    yield value
                else:
                    log.error("bulk: chunk %d failed on a worker", index)
                    outcome.forget()
                    yield None
    finally:
        for _, outcome in in_flight:  # an interrupted run leaves no orphan work behind
            outcome.revoke()
