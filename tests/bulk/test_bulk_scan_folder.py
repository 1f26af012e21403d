"""`phigate bulk scan FOLDER`: every good item once in the result file, bad ones reported by file
and line, and never a word of the posts in the results or the output."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate.cli import app
from tests.bulk.conftest import make_export, read_results

pytest.importorskip("mediapipe")
runner = CliRunner()


def test_a_folder_export_is_scanned_item_by_item(tmp_path: Path) -> None:
    export = make_export(tmp_path / "export")
    output = tmp_path / "results.jsonl"

    result = runner.invoke(app, ["bulk", "scan", str(export), "-o", str(output)])

    assert result.exit_code == 3, result.output  # a bad line and a corrupt picture
    results = read_results(output)
    assert Counter(r["item"] for r in results) == Counter(
        ["posts.jsonl#p1", "posts.jsonl#p2", "posts.jsonl#p3", "posts.jsonl#p4",
         "posts.jsonl#line 3", "comments.csv#c1", "comments.csv#c2",
         "photos/lobby.png", "photos/broken.jpg"]
    )  # fmt: skip
    by_item = {r["item"]: r for r in results}
    assert by_item["posts.jsonl#p1"] == {
        "item": "posts.jsonl#p1", "source": "posts.jsonl", "id": "p1", "kind": "post",
        "verdict": "block", "types": ["MRN"], "findings": 1,
    }  # fmt: skip
    assert by_item["posts.jsonl#p2"]["verdict"] == "allow"
    assert by_item["comments.csv#c1"]["kind"] == "reply"
    assert by_item["comments.csv#c1"]["verdict"] == "block"  # it confirms a patient relationship
    assert by_item["posts.jsonl#line 3"]["error"].startswith("posts.jsonl, line 3: not valid JSON")
    assert by_item["photos/broken.jpg"]["error"] == "broken.jpg: the image is truncated or corrupt"
    lobby = by_item["photos/lobby.png"]
    assert (lobby["kind"], lobby["verdict"], lobby["boxes"]) == ("image", "allow", [])

    progress = json.loads(output.with_name("results.jsonl.progress.json").read_text())
    assert (progress["state"], progress["total"], progress["done"], progress["failed"]) == (
        "finished", 9, 9, 2,
    )  # fmt: skip
    assert progress["summary"]["by_verdict"] == {"allow": 4, "block": 3}
    assert "block" in result.stdout and "MRN" in result.stdout


def test_results_and_output_never_hold_the_text(tmp_path: Path) -> None:
    export = make_export(tmp_path / "export", with_media=False)
    output = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["bulk", "scan", str(export), "-o", str(output)])
    written = output.read_text() + output.with_name("results.jsonl.progress.json").read_text()
    for secret in ("5571026", "Hollis", "Quarry", "cleaning"):
        assert secret not in written
        assert secret not in result.output


def test_status_reports_progress_and_the_summary(tmp_path: Path) -> None:
    export = make_export(tmp_path / "export", with_media=False)
    output = tmp_path / "results.jsonl"
    runner.invoke(app, ["bulk", "scan", str(export), "-o", str(output)])

    result = runner.invoke(app, ["bulk", "status", str(output), "--json"])

    status = json.loads(result.stdout)
    assert (status["state"], status["total"], status["done"], status["failed"]) == (
        "finished", 7, 7, 1,
    )  # fmt: skip
    assert status["summary"]["by_type"]["MRN"] == 1
    text = runner.invoke(app, ["bulk", "status", str(output)]).stdout
    assert "7 of 7 item(s) done, 1 could not be scanned" in text


def test_an_archive_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["bulk", "scan", str(tmp_path / "missing.zip"), "-o", str(tmp_path / "r.jsonl")]
    )
    assert result.exit_code == 3
    assert "no such folder or zip file" in result.output
