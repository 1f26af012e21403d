"""Both ends of a chunk's task message: what the orchestrator puts in it, and how a worker scans it.

Texts travel in the message. Media travel as base64 bytes when small enough (a worker needs no
access to the archive), or as a path when the archive is on storage every worker sees. A result
holds ids, verdicts, identifier types, counts and boxes: never the text or what was read in it.
"""

from __future__ import annotations

import base64
import json
import logging
import tempfile
import threading
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from phigate.bulk.archive import Archive, ArchiveError, read_member_at
from phigate.bulk.plan import Chunk
from phigate.scanning import OrganizationProfile, Scanner

if TYPE_CHECKING:
    from phigate.media import MediaFinding, MediaScanner

MediaTransfer = Literal["bytes", "path"]
MAX_INLINE_MEDIA_BYTES = 16 * 1024 * 1024  # past this a message strains the broker; send a path

log = logging.getLogger(__name__)


def chunk_message(
    chunk: Chunk,
    archive: Archive,
    transfer: MediaTransfer,
    profile: dict[str, Any] | None = None,
    max_inline_bytes: int = MAX_INLINE_MEDIA_BYTES,
) -> dict[str, Any]:
    media: list[dict[str, Any]] = []
    for item in chunk.media:
        entry: dict[str, Any] = {"item": item.key, "source": item.source}
        if transfer == "bytes" and item.size <= max_inline_bytes:
            try:
                entry["b64"] = base64.b64encode(archive.media_bytes(item)).decode("ascii")
            except (OSError, ArchiveError) as error:
                entry["error"] = _reading_error(item.source, error)
        else:
            entry |= archive.media_reference(item)
        media.append(entry)
    texts = [
        {"item": t.key, "source": t.source, "id": t.id, "text": t.text, "kind": t.kind,
         "in_reply_to": t.in_reply_to}
        for t in chunk.texts
    ]  # fmt: skip
    return {"chunk": chunk.index, "profile": profile, "texts": texts, "media": media}


def describe(message: dict[str, Any]) -> str:
    """What monitoring tools (Flower, logs) show instead of the arguments: no text."""
    return f"chunk {message['chunk']}: {len(message['texts'])} texts, {len(message['media'])} media"


def scan_chunk(message: dict[str, Any]) -> list[dict[str, Any]]:
    """One result per item of the chunk; an item that cannot be scanned gets an error result."""
    profile = json.dumps(message.get("profile"), sort_keys=True)
    scanner = _scanner(profile)
    results = [_scan_text(scanner, text) for text in message["texts"]]
    if message["media"]:
        media_scanner, lock = _media_scanner(profile)
        for entry in message["media"]:
            with lock:  # the face and OCR models are not shared between threads
                results.append(_scan_media(media_scanner, entry))
    return results


@lru_cache(maxsize=4)
def _scanner(profile: str) -> Scanner:
    data = json.loads(profile)
    return Scanner(OrganizationProfile.from_mapping(data)) if data else Scanner()


@lru_cache(maxsize=2)
def _media_scanner(profile: str) -> tuple[MediaScanner, threading.Lock]:
    from phigate.media import MediaScanner

    return MediaScanner(_scanner(profile)), threading.Lock()


def _scan_text(scanner: Scanner, entry: dict[str, Any]) -> dict[str, Any]:
    report = scanner.scan(entry["text"], entry["kind"], entry.get("in_reply_to"))
    return {
        "item": entry["item"], "source": entry["source"], "id": entry["id"],
        "kind": entry["kind"], "verdict": report.verdict.value,
        "types": sorted({f.type.value for f in report.findings}),
        "findings": len(report.findings),
    }  # fmt: skip


def _scan_media(media_scanner: MediaScanner, entry: dict[str, Any]) -> dict[str, Any]:
    from phigate.media import MediaError

    head = {"item": entry["item"], "source": entry["source"], "id": entry["source"]}
    if "error" in entry:
        return head | {"kind": "media", "error": entry["error"]}
    name = PurePosixPath(entry["source"]).name
    try:
        with tempfile.TemporaryDirectory(prefix="phigate-bulk-") as folder:
            path = _local_copy(entry, Path(folder) / name)
            report = media_scanner.scan(path)
    except (MediaError, ArchiveError) as error:
        return head | {"kind": "media", "error": str(error)}
    except OSError as error:
        return head | {"kind": "media", "error": _reading_error(entry["source"], error)}
    except Exception as error:  # one file that crashes a decoder must not sink its chunk
        # A file name can name a patient ("smith_discharge.jpg"): the log carries the type only.
        log.warning("bulk: a media item could not be scanned (%s)", type(error).__name__)
        return head | {"kind": "media", "error": f"{name}: could not be scanned"}
    return head | {
        "kind": report.media, "verdict": report.verdict.value,
        "types": sorted({f.type.value for f in report.findings}),
        "findings": len(report.findings),
        "boxes": [_box(f) for f in report.findings if f.box is not None],
    }  # fmt: skip


def _local_copy(entry: dict[str, Any], target: Path) -> Path:
    if "b64" in entry:
        target.write_bytes(base64.b64decode(entry["b64"]))
        return target
    if "member" in entry:
        target.write_bytes(read_member_at(Path(entry["archive"]), entry["member"]))
        return target
    return Path(entry["path"])  # shared storage: scanned where it lies


def _box(finding: MediaFinding) -> dict[str, Any]:
    box = finding.box
    assert box is not None
    placed: dict[str, Any] = {"type": finding.type.value, "box": [box.left, box.top, box.width, box.height]}  # fmt: skip
    if finding.frame is not None:
        placed["frame"] = finding.frame
    if finding.seconds is not None:
        placed["seconds"] = round(finding.seconds, 3)
    return placed


def _reading_error(source: str, error: Exception) -> str:
    if isinstance(error, ArchiveError):
        return str(error)
    reason = error.strerror if isinstance(error, OSError) and error.strerror else "unreadable"
    return f"{PurePosixPath(source).name}: cannot read the file ({reason})"
