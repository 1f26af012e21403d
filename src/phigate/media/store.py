"""Media attached to posts, on the database: stored sealed, scanned once, attached, redacted.

A photo of a patient is PHI, so the file, its original name and its scan report are encrypted at
rest; the plain columns hold only the hash, type, size, verdict and identifier types. Scanning
needs a file on disk for the decoders: it is written to a private temporary directory (mode 0700)
and removed as soon as the scan ends.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from phigate.compliance.attachments import Attachment
from phigate.media.loading import MediaError, MediaLimits, identify, sniff
from phigate.media.report import MediaReport
from phigate.media.scanner import MediaScanner
from phigate.scanning import Scanner
from phigate.scanning.profile import configured_profile
from phigate.service import ComplianceService, OperationError, attachment_of
from phigate.storage.crypto import Vault
from phigate.storage.models import MediaRow

MEDIA_TYPES = {
    "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif",
    "heic": "image/heic", "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm",
}  # fmt: skip
_EXTENSION = {"jpeg": ".jpg", "mov": ".mov", "heic": ".heic"}
MAX_ATTACHMENTS = 10


@cache
def shared_media_scanner() -> MediaScanner:
    """One per process: the face and OCR models take a second or two to load."""
    return MediaScanner(Scanner(configured_profile()))


def media_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class MediaStore:
    service: ComplianceService
    limits: MediaLimits | None = None
    scanner: MediaScanner | None = None

    def limits_in_force(self) -> MediaLimits:
        """The size and pixel limits uploads and scans are held to."""
        return self.limits or (self.scanner.options.limits if self.scanner else MediaLimits())

    # ------------------------------------------------------------------ storing
    def store(self, data: bytes, name: str, actor: str) -> Attachment:
        """Keep an uploaded file (sealed); the same bytes uploaded twice are stored once."""
        limits = self.limits_in_force()
        label = Path(name).name or "the file"
        if not data:
            raise OperationError(f"{label}: the file is empty")
        if len(data) > limits.max_bytes:
            raise OperationError(
                f"{label}: {len(data) / 1e6:.0f} MB is over the {limits.max_bytes / 1e6:.0f} MB limit"
            )
        kind = sniff(data[:32])
        if kind is None:
            raise OperationError(
                f"{label}: not an image or video format phigate reads "
                "(JPEG, PNG, WebP, GIF, HEIC, MP4, MOV, WebM)"
            )
        identifier = media_id(data)
        row = self.service.session.get(MediaRow, identifier)
        if row is None:
            vault = self.service.vault
            row = MediaRow(
                id=identifier, media_type=MEDIA_TYPES[kind], size=len(data),
                data_sealed=vault.encrypt(data), name_sealed=vault.seal({"name": label}),
                uploaded_by=actor, uploaded_at=self.service.clock(), finding_types=[],
            )  # fmt: skip
            self.service.session.add(row)
            self.service.session.flush()
            self.service.record(
                actor,
                "media.stored",
                "media",
                identifier,
                media_type=row.media_type,
                size=len(data),
            )
        return attachment_of(row, 1)

    def content(self, identifier: str) -> tuple[bytes, str]:
        row = self._row(identifier)
        return self.service.vault.decrypt(row.data_sealed), row.media_type

    def report(self, identifier: str) -> dict[str, Any] | None:
        """The stored scan report: boxes, types, reasons; never the text that was read."""
        row = self._row(identifier)
        if row.report_sealed is None:
            return None
        report: dict[str, Any] = self.service.vault.open(row.report_sealed)
        return report

    # ------------------------------------------------------------------ scanning
    def scan(self, identifier: str) -> Attachment:
        """Scan the stored file and keep the report. An unreadable file is kept with the reason,
        so the gate can name it; nothing about the failure mentions the file's content."""
        row = self._row(identifier)
        scanner = self.scanner or shared_media_scanner()
        try:
            with self._on_disk(row) as path:
                report = scanner.scan(path)
        except MediaError as error:
            row.scan_error = str(error).split(": ", 1)[-1]  # the problem, not the temporary name
            row.verdict, row.report_sealed, row.finding_types = None, None, []
        else:
            self._keep(row, report)
        row.scanned_at = self.service.clock()
        self.service.record(
            None, "media.scanned", "media", identifier, verdict=row.verdict,
            types=list(row.finding_types or ()), error=row.scan_error is not None,
        )  # fmt: skip
        return attachment_of(row, 1)

    def _keep(self, row: MediaRow, report: MediaReport) -> None:
        row.report_sealed = self.service.vault.seal(report.to_dict())
        row.verdict = report.verdict.value
        row.finding_types = sorted({f.type.value for f in report.findings})
        row.scan_error = None

    # ------------------------------------------------------------------ posts
    def attach(self, post_id: str, identifier: str, actor: str) -> Attachment:
        post = self.service.post(post_id)
        self._row(identifier)
        if identifier in post.media_hashes:
            return self.in_post(post_id, identifier)
        if len(post.media_hashes) >= MAX_ATTACHMENTS:
            raise OperationError(f"a post can carry at most {MAX_ATTACHMENTS} photos or videos")
        self.service.edit_post(post_id, post.text, actor, (*post.media_hashes, identifier))
        self.service.record(actor, "post.media_attached", "post", post_id, media=identifier)
        return self.in_post(post_id, identifier)

    def detach(self, post_id: str, identifier: str, actor: str) -> None:
        post = self.service.post(post_id)
        if identifier not in post.media_hashes:
            raise OperationError("that file is not attached to this post")
        kept = tuple(h for h in post.media_hashes if h != identifier)
        self.service.edit_post(post_id, post.text, actor, kept)
        self.service.record(actor, "post.media_removed", "post", post_id, media=identifier)

    def replace_with_redacted(self, post_id: str, identifier: str, actor: str) -> Attachment:
        """Swap an attachment for a redacted copy (faces blurred, text with findings covered,
        metadata stripped), verified by scanning the copy. The original stays in the store."""
        from phigate.media.redact import redact_media

        post = self.service.post(post_id)
        if identifier not in post.media_hashes:
            raise OperationError("that file is not attached to this post")
        row = self._row(identifier)
        scanner = self.scanner or shared_media_scanner()
        with self._on_disk(row) as source:
            try:
                result = redact_media(source, source.with_name("redacted" + source.suffix), scanner)
            except MediaError as error:
                raise OperationError(
                    f"the {_label(row)} could not be redacted: {str(error).split(': ', 1)[-1]}"
                ) from None
            data = result.output.read_bytes()
        if not result.verified:
            raise OperationError(
                f"the redacted copy of the {_label(row)} still shows what was covered; "
                "remove the file instead"
            )
        copy = self.store(data, "redacted", actor)
        copy_row = self._row(copy.id)
        self._keep(copy_row, result.residual)
        copy_row.scanned_at = self.service.clock()
        swapped = tuple(copy.id if h == identifier else h for h in post.media_hashes)
        self.service.edit_post(post_id, post.text, actor, tuple(dict.fromkeys(swapped)))
        self.service.record(
            actor, "post.media_redacted", "post", post_id, original=identifier, redacted=copy.id,
            masked=result.masked, metadata_removed=result.metadata_removed,
        )  # fmt: skip
        return self.in_post(post_id, copy.id)

    # ------------------------------------------------------------------ helpers
    def in_post(self, post_id: str, identifier: str) -> Attachment:
        """The file as attached to the post, at its place there."""
        post = self.service.post(post_id)
        for attachment in self.service.attachments(post):
            if attachment.id == identifier:
                return attachment
        raise OperationError("that file is not attached to this post")

    def _row(self, identifier: str) -> MediaRow:
        row = self.service.session.get(MediaRow, identifier)
        if row is None:
            raise OperationError(f"no stored media with id {identifier}")
        return row

    @contextmanager
    def _on_disk(self, row: MediaRow) -> Iterator[Path]:
        data = self.service.vault.decrypt(row.data_sealed)
        kind = next(k for k, v in MEDIA_TYPES.items() if v == row.media_type)
        with tempfile.TemporaryDirectory(prefix="phigate-media-") as private:
            path = Path(private) / ("upload" + _EXTENSION.get(kind, "." + kind))
            path.write_bytes(data)
            identify(path, self.limits_in_force())
            yield path


def _label(row: MediaRow) -> str:
    return attachment_of(row, 1).kind.value  # "photo" or "video"


def pending_media(service: ComplianceService, older_than: timedelta) -> list[str]:
    """Files uploaded a while ago and still not scanned: a worker died mid-scan or the task was
    lost. A fresh upload is left to the scan already on its way."""
    cutoff = service.clock() - older_than
    rows = service.session.scalars(
        select(MediaRow.id).where(MediaRow.scanned_at.is_(None), MediaRow.uploaded_at <= cutoff)
    )
    return list(rows)


def scan_pending_media(
    sessions: sessionmaker[Session],
    vault: Vault,
    older_than: timedelta = timedelta(minutes=2),
    scanner: MediaScanner | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Scan every pending file, each in its own transaction; returns how many were scanned."""
    now = clock or (lambda: datetime.now(UTC))
    with sessions() as session:
        waiting = pending_media(ComplianceService(session, vault, now), older_than)
    for identifier in waiting:
        with sessions() as session:
            MediaStore(ComplianceService(session, vault, now), scanner=scanner).scan(identifier)
            session.commit()
    return len(waiting)
