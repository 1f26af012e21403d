"""Read an export: a folder or a .zip holding JSONL/CSV files of posts and comments and the image and
video files phigate scans.

Every item gets a stable id (the record's own id within its file, or the media file's path inside
the archive), so a resumed scan knows what it has done. A bad line, file or zip entry becomes an
ArchiveProblem naming the file and line, never the text, and the rest of the archive goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from phigate.media import MEDIA_SUFFIXES
from phigate.scanning import ScanKind

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
_KINDS = frozenset(k.value for k in ScanKind)
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveError(ValueError):
    """The archive as a whole cannot be read (missing, not a folder or a zip, a broken zip)."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_media_bytes: int = 200 * 1024 * 1024  # MediaLimits.max_bytes: larger is refused anyway
    max_text_file_bytes: int = 2 * 1024 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed/compressed beyond this is a zip bomb, not an export
    min_ratio_check_bytes: int = 1024 * 1024  # tiny entries compress absurdly well and harmlessly


@dataclass(frozen=True, slots=True)
class TextItem:
    source: str  # the JSONL/CSV file inside the archive
    id: str
    text: str
    kind: str  # "post" or "reply"
    in_reply_to: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source}#{self.id}"


@dataclass(frozen=True, slots=True)
class MediaItem:
    source: str  # the path inside the archive, with forward slashes
    size: int

    @property
    def key(self) -> str:
        return self.source


@dataclass(frozen=True, slots=True)
class ArchiveProblem:
    source: str
    line: int | None
    message: str  # names the problem, never the content

    @property
    def key(self) -> str:
        return self.source if self.line is None else f"{self.source}#line {self.line}"


Item = TextItem | MediaItem
Entry = TextItem | MediaItem | ArchiveProblem


def unsafe_member_name(name: str) -> str | None:
    """Why a zip entry's name may not be used as a path, or None when it is safe."""
    if "\x00" in name or "\\" in name:
        return "the entry name holds a backslash or NUL byte"
    if name.startswith("/") or _DRIVE.match(name):
        return "the entry name is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "the entry name climbs out of the archive (..)"
    return None


def entry_problem(info: zipfile.ZipInfo, limits: ArchiveLimits, max_bytes: int) -> str | None:
    """Why a zip entry is refused: an unsafe name, a link, encryption, or sizes past the limits."""
    unsafe = unsafe_member_name(info.filename)
    if unsafe:
        return unsafe
    if stat.S_ISLNK(info.external_attr >> 16):
        return "the entry is a symbolic link; links are not followed"
    if info.flag_bits & 0x1:
        return "the entry is encrypted"
    if info.file_size > max_bytes:
        return f"{info.file_size / 1e6:.0f} MB is over the {max_bytes / 1e6:.0f} MB limit"
    if info.file_size > limits.min_ratio_check_bytes and info.file_size > limits.max_ratio * max(
        1, info.compress_size
    ):
        return "the entry expands more than a real file would (zip bomb?)"
    return None


class Archive:
    """A folder or a zip, opened once; `entries()` yields items and problems in a stable order."""

    def __init__(
        self, path: Path, limits: ArchiveLimits | None = None, exclude: Iterable[Path] = ()
    ) -> None:
        self.path = path.resolve()
        self.limits = limits or ArchiveLimits()
        # A result file written inside the folder it scans must not be read back as posts.
        self.exclude = {p.resolve() for p in exclude}
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            return
        if not self.path.is_file():
            raise ArchiveError(f"{path}: no such folder or zip file")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            raise ArchiveError(f"{path.name}: not a readable zip file ({error})") from None

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def entries(self) -> Iterator[Entry]:
        if self._zip is None:
            yield from self._folder_entries()
        else:
            yield from self._zip_entries(self._zip)

    def media_bytes(self, item: MediaItem) -> bytes:
        if self._zip is None:
            return (self.path / item.source).read_bytes()
        return read_member(self._zip, item.source, self.limits)

    def media_reference(self, item: MediaItem) -> dict[str, str]:
        """Where a worker that sees the same storage finds the file."""
        if self._zip is None:
            return {"path": str(self.path / item.source)}
        return {"archive": str(self.path), "member": item.source}

    def _folder_entries(self) -> Iterator[Entry]:
        files = sorted(
            p for p in self.path.rglob("*") if not p.is_dir() and p.resolve() not in self.exclude
        )
        for path in files:
            source = path.relative_to(self.path).as_posix()
            if any(part.startswith(".") for part in PurePosixPath(source).parts):
                continue  # .DS_Store, editor swap files: not part of an export
            if path.is_symlink():
                yield ArchiveProblem(source, None, "a symbolic link; links are not followed")
                continue
            suffix = path.suffix.lower()
            if suffix in MEDIA_SUFFIXES:
                size = path.stat().st_size
                if size > self.limits.max_media_bytes:
                    limit = self.limits.max_media_bytes / 1e6
                    yield ArchiveProblem(
                        source, None, f"{size / 1e6:.0f} MB is over the {limit:.0f} MB limit"
                    )
                else:
                    yield MediaItem(source, size)
            elif suffix in JSONL_SUFFIXES | CSV_SUFFIXES:
                try:
                    handle = path.open("rb")
                except OSError as error:
                    yield ArchiveProblem(source, None, f"cannot read the file ({error.strerror})")
                    continue
                with handle:
                    yield from _text_file_entries(source, handle)

    def _zip_entries(self, archive: zipfile.ZipFile) -> Iterator[Entry]:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            source = info.filename
            suffix = PurePosixPath(source).suffix.lower()
            is_media = suffix in MEDIA_SUFFIXES
            if not is_media and suffix not in JSONL_SUFFIXES | CSV_SUFFIXES:
                if unsafe_member_name(source):
                    yield ArchiveProblem(source, None, str(unsafe_member_name(source)))
                continue
            limit = self.limits.max_media_bytes if is_media else self.limits.max_text_file_bytes
            problem = entry_problem(info, self.limits, limit)
            if problem:
                yield ArchiveProblem(source, None, problem)
            elif is_media:
                yield MediaItem(source, info.file_size)
            else:
                try:
                    with archive.open(info) as handle:
                        yield from _text_file_entries(source, handle)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
                    yield ArchiveProblem(source, None, "the zip entry is corrupt")


def read_member(archive: zipfile.ZipFile, member: str, limits: ArchiveLimits) -> bytes:
    """A media entry's bytes, checked the same way as when the archive was listed."""
    info = archive.getinfo(member)
    problem = entry_problem(info, limits, limits.max_media_bytes)
    if problem:
        raise ArchiveError(f"{member}: {problem}")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ArchiveError(f"{member}: the zip entry is corrupt") from error


def read_member_at(path: Path, member: str, limits: ArchiveLimits | None = None) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            return read_member(archive, member, limits or ArchiveLimits())
    except KeyError:
        raise ArchiveError(f"{member}: not in {path.name}") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{path.name}: not a readable zip file ({error})") from None


def _text_file_entries(source: str, raw: IO[bytes]) -> Iterator[Entry]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = (
        _csv_records if PurePosixPath(source).suffix.lower() in CSV_SUFFIXES else _jsonl_records
    )
    seen: dict[str, int] = {}
    try:
        for number, record in reader(source, text):
            if isinstance(record, ArchiveProblem):
                yield record
                continue
            item = _text_item(source, number, record, seen)
            yield item
    except UnicodeDecodeError:
        yield ArchiveProblem(source, None, "the file is not UTF-8 text")


def _jsonl_records(
    source: str, text: IO[str]
) -> Iterator[tuple[int, dict[str, Any] | ArchiveProblem]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, ArchiveProblem(source, number, f"not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            yield number, ArchiveProblem(source, number, "must be a JSON object")
            continue
        yield number, record


def _csv_records(
    source: str, text: IO[str]
) -> Iterator[tuple[int, dict[str, Any] | ArchiveProblem]]:
    rows = csv.DictReader(text)
    if rows.fieldnames is None:
        return
    if "text" not in rows.fieldnames:
        yield 1, ArchiveProblem(source, 1, "the header has no 'text' column")
        return
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            yield rows.line_num, ArchiveProblem(source, rows.line_num, f"not valid CSV ({error})")
            continue
        if None in row:
            yield rows.line_num, ArchiveProblem(source, rows.line_num, "more fields than columns")
            continue
        # Empty cells mean "not given", as a spreadsheet writes them.
        yield (
            rows.line_num,
            {k: v for k, v in row.items() if v not in ("", None)} | {"text": row.get("text") or ""},
        )


def _text_item(
    source: str, number: int, record: dict[str, Any], seen: dict[str, int]
) -> TextItem | ArchiveProblem:
    problem = record_problem(record)
    if problem:
        return ArchiveProblem(source, number, problem)
    raw_id = record.get("id")
    ident = f"line {number}" if raw_id is None or raw_id == "" else str(raw_id)
    if ident in seen:
        return ArchiveProblem(source, number, f"id {ident!r} repeats line {seen[ident]}")
    seen[ident] = number
    return TextItem(
        source, ident, record["text"], record.get("kind") or "post", record.get("in_reply_to")
    )


def record_problem(record: dict[str, Any]) -> str | None:
    """What is wrong with one post or comment record, without repeating its text."""
    if "text" not in record:
        return "field 'text' is missing"
    if not isinstance(record["text"], str):
        return "field 'text' must be a string"
    if not isinstance(record.get("id"), str | int | None):
        return "field 'id' must be a string or a number"
    if (record.get("kind") or "post") not in _KINDS:
        return "field 'kind' must be 'post' or 'reply'"
    if record.get("in_reply_to") is not None and not isinstance(record["in_reply_to"], str):
        return "field 'in_reply_to' must be a string"
    return None
