"""An interrupted bulk scan (Ctrl-C, a lost machine, a write torn mid-line) continues where it
stopped: every item ends up in the result file exactly once, and what was done is not scanned again.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from phigate.bulk import BulkOptions, BulkState, ChunkSizes, ResultFile, run_bulk, work
from tests.bulk.conftest import read_results, write_posts

POSTS = [{"id": f"n{i}", "text": f"Newsletter {i}: the cafeteria opens at {7 + i % 3}am."}
         for i in range(10)]  # fmt: skip
EVERY_ITEM = [f"posts.jsonl#n{i}" for i in range(10)]
OPTIONS = BulkOptions(sizes=ChunkSizes(texts=3))  # four chunks: 3 + 3 + 3 + 1


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The items every scan_chunk task was given, across runs."""
    given: list[str] = []
    real = work.scan_chunk

    def counting(message: dict[str, Any]) -> list[dict[str, Any]]:
        given.extend(t["item"] for t in message["texts"])
        return real(message)

    monkeypatch.setattr(work, "scan_chunk", counting)
    return given


def _stop_after(chunks: int) -> Any:
    def observe(state: BulkState) -> None:
        if state.chunks_done == chunks:
            raise KeyboardInterrupt

    return observe


def test_a_run_stopped_after_two_chunks_resumes_with_the_rest(
    tmp_path: Path, scanned: list[str]
) -> None:
    write_posts(tmp_path / "posts.jsonl", POSTS)
    output = tmp_path / "results.jsonl"

    with pytest.raises(KeyboardInterrupt):
        run_bulk(tmp_path, output, OPTIONS, observe=_stop_after(2))
    assert len(read_results(output)) == 6
    manifest = ResultFile(output).read_manifest()
    assert manifest is not None
    assert (manifest["state"], manifest["done"], manifest["total"]) == ("interrupted", 6, 10)

    state = run_bulk(tmp_path, output, OPTIONS)

    assert Counter(r["item"] for r in read_results(output)) == Counter(EVERY_ITEM)
    assert Counter(scanned) == Counter(EVERY_ITEM)  # nothing scanned twice
    assert (state.state, state.already_done, state.done, state.chunks_done) == (
        "finished", 6, 10, 4,
    )  # fmt: skip


def test_a_result_line_torn_by_a_crash_is_scanned_again(tmp_path: Path, scanned: list[str]) -> None:
    write_posts(tmp_path / "posts.jsonl", POSTS)
    output = tmp_path / "results.jsonl"
    run_bulk(tmp_path, output, OPTIONS)
    lines = output.read_text(encoding="utf-8").splitlines(keepends=True)
    # The machine died while writing the fifth line: four whole lines and half of the next.
    output.write_text("".join(lines[:4]) + lines[4][: len(lines[4]) // 2], encoding="utf-8")
    scanned.clear()

    state = run_bulk(tmp_path, output, OPTIONS)

    assert Counter(r["item"] for r in read_results(output)) == Counter(EVERY_ITEM)
    assert len(scanned) == 6 and not set(scanned) & {r["item"] for r in read_results(output)[:4]}
    assert state.done == 10


def test_a_finished_run_scans_nothing_more(tmp_path: Path, scanned: list[str]) -> None:
    write_posts(tmp_path / "posts.jsonl", POSTS)
    output = tmp_path / "results.jsonl"
    run_bulk(tmp_path, output, OPTIONS)
    before = output.read_bytes()
    scanned.clear()

    state = run_bulk(tmp_path, output, OPTIONS)

    assert scanned == [] and output.read_bytes() == before
    assert (state.already_done, state.done) == (10, 10)


def test_ctrl_c_says_how_far_it_came_and_how_to_continue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from phigate.cli import app

    (tmp_path / "export").mkdir()
    write_posts(tmp_path / "export" / "posts.jsonl", POSTS)
    output = tmp_path / "results.jsonl"

    def interrupted(*args: Any, **kwargs: Any) -> BulkState:
        return run_bulk(args[0], args[1], args[2], observe=_stop_after(1))

    monkeypatch.setattr("phigate.cli_bulk.run_bulk", interrupted)
    result = CliRunner().invoke(
        app, ["bulk", "scan", str(tmp_path / "export"), "-o", str(output), "--texts-per-chunk", "4"]
    )

    assert result.exit_code == 130
    assert "Interrupted: 4 of 10 done" in result.output
    assert "Run the same command again to continue" in result.output
