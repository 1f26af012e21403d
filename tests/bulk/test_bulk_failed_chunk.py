"""A chunk whose task fails (a worker's bug, a lost connection) leaves its items out of the result
file, the run says so (exit 3), and the next run scans exactly those items."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from phigate.bulk import work
from phigate.cli import app
from tests.bulk.conftest import read_results, write_posts

POSTS = [{"id": f"k{i}", "text": f"Tip {i}: wash your hands for twenty seconds."} for i in range(6)]


def test_a_failed_chunk_is_retried_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "export").mkdir()
    write_posts(tmp_path / "export" / "posts.jsonl", POSTS)
    output = tmp_path / "results.jsonl"
    command = [
        "bulk",
        "scan",
        str(tmp_path / "export"),
        "-o",
        str(output),
        "--texts-per-chunk",
        "2",
    ]
    real = work.scan_chunk
    given: list[str] = []

    def second_chunk_fails(message: dict[str, Any]) -> list[dict[str, Any]]:
        if message["chunk"] == 1:
            raise ConnectionError("the worker lost its broker")
        given.extend(t["item"] for t in message["texts"])
        return real(message)

    monkeypatch.setattr(work, "scan_chunk", second_chunk_fails)
    first = CliRunner().invoke(app, command)

    assert first.exit_code == 3
    assert "1 chunk(s) failed" in first.output
    assert {r["item"] for r in read_results(output)} == {
        "posts.jsonl#k0", "posts.jsonl#k1", "posts.jsonl#k4", "posts.jsonl#k5",
    }  # fmt: skip

    def counting(message: dict[str, Any]) -> list[dict[str, Any]]:
        given.extend(t["item"] for t in message["texts"])
        return real(message)

    monkeypatch.setattr(work, "scan_chunk", counting)
    given.clear()
    second = CliRunner().invoke(app, command)

    assert second.exit_code == 0, second.output
    assert given == ["posts.jsonl#k2", "posts.jsonl#k3"]
    assert Counter(r["item"] for r in read_results(output)) == Counter(
        f"posts.jsonl#k{i}" for i in range(6)
    )
