"""Export: approved posts written as rows of a Hootsuite bulk-upload CSV, for organizations that
schedule through Hootsuite (or a similar tool) rather than letting phigate post.

The CSV follows Hootsuite's bulk composer: one row per post, three columns (date and time as
DD/MM/YYYY HH:MM on a 24-hour clock, the message, an optional link), no header row, as in the
sample file Hootsuite offers in the bulk composer. Hootsuite accepts only times at least ten minutes
ahead whose minutes end in 0 or 5, and one post per time; so each row is given the first free
five-minute slot at least `lead_minutes` after phigate released it, written in the account's
`timezone` (an IANA name, UTC by default), because Hootsuite reads the times in the uploader's
own time zone. Nothing else goes into the CSV, so it stays importable as it is: the idempotency
key, the row's slot and its media live in a manifest beside it (`phigate-export.json`), which
Hootsuite never sees. One CSV per day, named by
that day; a post's images and videos are written to `media/` beside it, to attach by hand.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from phigate.publishing.connectors import ConnectorError, MediaItem, Published

DATE_FORMAT = "%d/%m/%Y %H:%M"
MANIFEST = "phigate-export.json"
SLOT = timedelta(minutes=5)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
              "video/mp4": "mp4", "video/quicktime": "mov"}  # fmt: skip
TRAILING_LINK = re.compile(r"\s+(https?://\S+)\s*$")


class ExportConnector:
    platform = "export"

    def __init__(
        self,
        directory: str,
        lead_minutes: float = 60,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        timezone: str = "UTC",
    ) -> None:
        self.directory = Path(directory)
        self.lead = timedelta(minutes=max(10.0, float(lead_minutes)))  # Hootsuite's minimum
        self._clock = clock
        try:
            self.zone = ZoneInfo(timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            raise ConnectorError(
                f"The export account's timezone {timezone!r} is not a time zone name such as "
                "America/Chicago; store it again with `phigate publish credentials`.",
                retryable=False,
            ) from None
        if not self.directory.is_dir():
            raise ConnectorError(
                f"The export folder {self.directory} does not exist; create it or correct the "
                "account's `directory` with `phigate publish credentials`.",
                retryable=False,
            )

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,  # a CSV row answers nobody: replies go out as plain posts
    ) -> Published:
        with self._locked() as manifest:
            if idempotency_key in manifest:
                return Published(idempotency_key)
            message, link = _split_link(text)
            when = self._free_slot(manifest)
            csv_name = f"hootsuite-{when:%Y-%m-%d}.csv"
            media_names = [
                self._write_media(idempotency_key, n, item) for n, item in enumerate(media, 1)
            ]
            self._rewrite(
                csv_name, lambda rows: [*rows, [when.strftime(DATE_FORMAT), message, link]]
            )
            manifest[idempotency_key] = {"file": csv_name, "slot": when.strftime(DATE_FORMAT),
                                         "media": media_names}  # fmt: skip
        return Published(idempotency_key)

    def find(self, idempotency_key: str) -> Published | None:
        with self._locked() as manifest:
            return Published(idempotency_key) if idempotency_key in manifest else None

    def delete(self, platform_id: str) -> None:
        with self._locked() as manifest:
            entry = manifest.pop(platform_id, None)
            if entry is None:
                return  # never written, or already removed: a takedown's goal is met
            self._rewrite(entry["file"], lambda rows: [r for r in rows if r[:1] != [entry["slot"]]])
            for name in entry["media"]:
                (self.directory / name).unlink(missing_ok=True)

    def _free_slot(self, manifest: dict[str, Any]) -> datetime:
        earliest = self._clock().astimezone(self.zone) + self.lead
        slot = earliest.replace(second=0, microsecond=0)
        slot += timedelta(minutes=-slot.minute % 5)
        if slot < earliest:
            slot += SLOT
        taken = {entry["slot"] for entry in manifest.values()}
        while slot.strftime(DATE_FORMAT) in taken:
            slot += SLOT
        return slot

    def _write_media(self, key: str, number: int, item: MediaItem) -> str:
        extension = EXTENSIONS.get(item.media_type)
        if extension is None:
            raise ConnectorError(
                f"The export cannot write a file of type {item.media_type}; Hootsuite takes "
                "JPEG, PNG, GIF, WebP images and MP4 or MOV videos.",
                retryable=False,
            )
        name = f"media/{key[:16]}-{number}.{extension}"
        _write_atomically(self.directory / name, item.data)
        return name

    def _rewrite(self, csv_name: str, change: Callable[[list[list[str]]], list[list[str]]]) -> None:
        path = self.directory / csv_name
        rows = (
            list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))) if path.exists() else []
        )
        rows = change(rows)
        if not rows:
            path.unlink(missing_ok=True)
            return
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
        _write_atomically(path, out.getvalue().encode("utf-8"))

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The manifest, read and written under a lock: two workers never interleave rows."""
        try:
            with (self.directory / f".{MANIFEST}.lock").open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                path = self.directory / MANIFEST
                manifest: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
                before = json.dumps(manifest, sort_keys=True)
                yield manifest
                if json.dumps(manifest, sort_keys=True) != before:
                    _write_atomically(path, json.dumps(manifest, indent=1, sort_keys=True).encode())
        except OSError as error:
            raise ConnectorError(
                f"The export could not write to {self.directory} ({error.strerror}); check the "
                "folder's permissions and free space. It will be retried.",
                retryable=True,
            ) from None


def _split_link(text: str) -> tuple[str, str]:
    """A link ending the text goes to the link column, which Hootsuite appends to the message."""
    match = TRAILING_LINK.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], match.group(1)


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader (a person opening the CSV, Hootsuite's upload) never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
