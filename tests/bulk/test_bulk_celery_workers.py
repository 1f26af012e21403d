"""A bulk scan fanned out to two real Celery worker processes, with the real Redis at
127.0.0.1:6379 as broker and result backend, gives the same result file as the embedded run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from typer.testing import CliRunner

from phigate.cli import app
from tests.bulk.conftest import make_export

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PHIGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
runner = CliRunner()


def _forget_backend(celery_app: Any) -> None:
    # Celery keeps the result backend it first built per thread; the configuration changed under it.
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker() -> Iterator[Any]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("PHIGATE_REQUIRE_SERVICES"):
            pytest.fail(
                f"Redis is required (PHIGATE_REQUIRE_SERVICES) but {REDIS_URL} is unreachable"
            )
        pytest.skip("Redis is not reachable")
    from phigate import jobs

    jobs.app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    _forget_backend(jobs.app)
    yield jobs.app
    jobs.app.conf.update(task_always_eager=True, broker_url="memory://", result_backend=None)
    _forget_backend(jobs.app)


def _worker(name: str, queue: str, log: Path) -> subprocess.Popen[bytes]:
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "phigate.jobs", "worker", "--pool=solo", "--without-gossip",
               "--without-mingle", "--loglevel=info", "-Q", queue, "-n", f"{name}@%h"]  # fmt: skip
    env = {**os.environ, "PHIGATE_BROKER_URL": REDIS_URL, "PHIGATE_RESULT_BACKEND": REDIS_URL}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _wait_until_ready(logs: list[Path], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(" ready." in log.read_text(errors="replace") for log in logs):
            return
        time.sleep(0.25)
    raise AssertionError(f"the workers did not start: {[log.read_text() for log in logs]}")


def _lines(path: Path) -> list[dict[str, Any]]:
    return sorted(
        (json.loads(line) for line in path.read_text().splitlines()), key=lambda r: r["item"]
    )


def test_two_workers_give_the_embedded_results(tmp_path: Path, broker: Any) -> None:
    pytest.importorskip("mediapipe")
    export = make_export(tmp_path / "export")
    sizes = ["--texts-per-chunk", "2", "--media-per-chunk", "1"]
    embedded = tmp_path / "embedded.jsonl"
    broker.conf.update(task_always_eager=True)
    runner.invoke(app, ["bulk", "scan", str(export), "-o", str(embedded), *sizes])
    broker.conf.update(task_always_eager=False)

    queue = f"phigate-bulk-{uuid.uuid4().hex[:8]}"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_worker(f"bulk{n}-{queue}", queue, log) for n, log in enumerate(logs, start=1)]
    distributed, shared = tmp_path / "distributed.jsonl", tmp_path / "shared.jsonl"
    try:
        _wait_until_ready(logs, 60)
        result = runner.invoke(
            app,
            ["bulk", "scan", str(export), "-o", str(distributed), *sizes, "--queue", queue,
             "--media-transfer", "bytes"],
        )  # fmt: skip
        # Shared storage: the workers read the pictures from the archive's path themselves.
        by_path = runner.invoke(
            app,
            ["bulk", "scan", str(export), "-o", str(shared), *sizes, "--queue", queue,
             "--media-transfer", "path"],
        )  # fmt: skip
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)

    assert result.exit_code == 3, result.output  # the bad line and the corrupt picture
    assert by_path.exit_code == 3, by_path.output
    assert _lines(distributed) == _lines(embedded) == _lines(shared)
    assert len(_lines(distributed)) == 9
    worked = [log.read_text(errors="replace").count("scan_chunk[") for log in logs]
    assert all(count > 0 for count in worked), worked  # both workers took chunks
    for log in logs:  # the task message holds posts; what workers log must not
        assert "5571026" not in log.read_text(errors="replace")
