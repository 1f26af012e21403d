"""A .zip export is read entry by entry without extracting it: an entry that would climb out of the
archive, an absolute path, a link or a zip bomb is refused by name, and the rest goes on."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from phigate.bulk import Archive, ArchiveProblem, BulkOptions, run_bulk
from phigate.bulk.archive import ArchiveLimits
from tests.bulk.conftest import read_results

GOOD = json.dumps({"id": "g1", "text": "Flu shots are free this Saturday."}) + "\n"
EVIL = json.dumps({"id": "e1", "text": "Written outside the archive"}) + "\n"


def _entry(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.external_attr = mode << 16
    return info


def _export_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(_entry("export/posts.jsonl"), GOOD)
        archive.writestr(_entry("../../escape.jsonl"), EVIL)
        archive.writestr(_entry("/etc/absolute.jsonl"), EVIL)
        archive.writestr(_entry("export/link.jsonl", stat.S_IFLNK | 0o777), "/etc/passwd")
        archive.writestr(_entry("export/bomb.jsonl"), b"\n" * (8 * 1024 * 1024))
    return path


def test_unsafe_entries_are_refused_and_the_rest_is_scanned(tmp_path: Path) -> None:
    source = _export_zip(tmp_path / "export.zip")
    output = tmp_path / "out" / "results.jsonl"
    output.parent.mkdir()

    state = run_bulk(source, output, BulkOptions())

    results = {r["item"]: r for r in read_results(output)}
    assert Counter(r["item"] for r in read_results(output)) == Counter(
        ["export/posts.jsonl#g1", "../../escape.jsonl", "/etc/absolute.jsonl",
         "export/link.jsonl", "export/bomb.jsonl"]
    )  # fmt: skip
    assert results["export/posts.jsonl#g1"]["verdict"] == "allow"
    assert "climbs out of the archive" in results["../../escape.jsonl"]["error"]
    assert "absolute path" in results["/etc/absolute.jsonl"]["error"]
    assert "symbolic link" in results["export/link.jsonl"]["error"]
    assert "zip bomb" in results["export/bomb.jsonl"]["error"]
    assert (state.done, state.summary.failed) == (5, 4)
    assert not (tmp_path.parent / "escape.jsonl").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "export.zip", "out", "results.jsonl", "results.jsonl.progress.json",
    ]  # fmt: skip


def test_an_entry_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "export.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(_entry("posts.jsonl"), GOOD * 100)
    limits = ArchiveLimits(max_text_file_bytes=len(GOOD) * 10)

    with Archive(source, limits) as reader:
        [problem] = list(reader.entries())

    assert isinstance(problem, ArchiveProblem)
    assert problem.source == "posts.jsonl" and "MB limit" in problem.message


def test_a_file_that_is_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    from phigate.bulk import ArchiveError

    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ArchiveError, match="not a readable zip file"):
        run_bulk(broken, tmp_path / "results.jsonl")


def test_pictures_inside_a_zip_are_scanned(tmp_path: Path) -> None:
    pytest.importorskip("mediapipe")
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 220, 240)).save(picture, "PNG")
    source = tmp_path / "export.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("photos/lobby.png", picture.getvalue())
        archive.writestr("photos/broken.png", b"\x89PNG\r\n\x1a\n cut short")
    output = tmp_path / "results.jsonl"

    run_bulk(source, output)

    results = {r["item"]: r for r in read_results(output)}
    assert results["photos/lobby.png"]["verdict"] == "allow"
    assert results["photos/broken.png"]["error"].startswith("broken.png: ")
