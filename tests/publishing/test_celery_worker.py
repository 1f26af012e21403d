"""A real Celery worker, with the real Redis at 127.0.0.1:6379 as broker, publishing to the local PDS."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from phigate.compliance.posts import PostState
from tests.publishing.conftest import make_publisher

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PHIGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def celery_app(monkeypatch: pytest.MonkeyPatch, engine: Engine, org: dict[str, Any]) -> Any:
    if engine.dialect.name != "sqlite":
        pytest.skip("the worker test runs once, on the embedded database")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("PHIGATE_REQUIRE_SERVICES"):
            pytest.fail(
                f"Redis is required (PHIGATE_REQUIRE_SERVICES) but {REDIS_URL} is unreachable"
            )
        pytest.skip("Redis is not reachable")
    from phigate import jobs

    monkeypatch.setenv("PHIGATE_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("PHIGATE_ENCRYPTION_KEYS", ",".join(org["vault"].keys))
    jobs.publisher.cache_clear()
    jobs.app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    yield jobs.app
    jobs.app.conf.update(task_always_eager=True, broker_url="memory://", result_backend=None)
    jobs.publisher.cache_clear()


def test_a_real_worker_publishes_due_posts(
    celery_app: Any, pds: dict[str, Any], org: dict[str, Any]
) -> None:
    from celery.contrib.testing.worker import start_worker

    from phigate import jobs

    publisher = make_publisher(org)
    credentials = {
        "service_url": pds["pdsUrl"],
        "handle": pds["handle"],
        "app_password": pds["password"],
    }
    publisher.store_credentials(org["ids"]["account"], credentials, org["ids"]["officer"])
    post_id = org["approved"]("Visiting hours are changing on Monday: 8am to 8pm.")
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=20):
        due = jobs.publish_due_posts.delay().get(timeout=30)
        assert due == [post_id]
        for _ in range(60):
            org["service"].session.expire_all()
            if org["service"].post(post_id).state is PostState.PUBLISHED:
                break
            import time

            time.sleep(0.5)
    org["service"].session.expire_all()
    assert org["service"].post(post_id).state is PostState.PUBLISHED


def _worker(queue: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "tests.publishing.blocking_worker", "worker", "--pool=solo",
               "--without-gossip", "--without-mingle", "--loglevel=info", "-Q", queue]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("ab"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_publish_does_not_publish_twice(
    celery_app: Any, pds: dict[str, Any], org: dict[str, Any], engine: Engine, tmp_path: Path
) -> None:
    from atproto import Client

    from phigate import jobs
    from phigate.storage.models import PublicationRow

    publisher = make_publisher(org)
    credentials = {"service_url": pds["pdsUrl"], "handle": pds["handle"], "app_password": pds["password"]}  # fmt: skip
    publisher.store_credentials(org["ids"]["account"], credentials, org["ids"]["officer"])
    post_id = org["approved"]("The pharmacy closes early on Friday, at 4pm.")
    queue = f"phigate-kill-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "reached-the-platform"
    env = {
        "PHIGATE_BROKER_URL": REDIS_URL, "PHIGATE_DATABASE_URL": str(engine.url),
        "PHIGATE_ENCRYPTION_KEYS": ",".join(org["vault"].keys), "PHIGATE_TEST_QUEUE": queue,
        "PHIGATE_PUBLISH_LEASE_S": "3",
    }  # fmt: skip
    client = Client(base_url=pds["pdsUrl"])
    client.login(pds["handle"], pds["password"], fetch_bsky_profile=False)

    def mine() -> list[Any]:
        records = client.com.atproto.repo.list_records(
            {"repo": pds["did"], "collection": "app.bsky.feed.post", "limit": 100}
        ).records
        return [r for r in records if r.value.text.startswith("The pharmacy closes early")]

    log = tmp_path / "workers.log"
    first = _worker(queue, {**env, "PHIGATE_TEST_BLOCK_FILE": str(marker)}, log)
    try:
        jobs.publish_post.apply_async((post_id,), queue=queue)
        _wait(marker.exists, 60, "the first worker to reach the platform")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # no chance to record the platform's answer
        first.wait(10)
    assert len(mine()) == 1
    [row] = publisher.publications(post_id)
    assert row.state == "pending" and row.platform_id is None and row.attempts == 1

    second = _worker(queue, env, log)
    try:
        # The dead worker's task comes back after the visibility timeout; the scheduler's next run
        # queues the post as well. Both must end in one post on the platform.
        jobs.publish_due_posts.apply_async(queue=queue)

        def published() -> bool:
            [current] = publisher.publications(post_id)
            return current.state == "published"

        _wait(published, 90, f"the second worker to reconcile (log: {log})")
        time.sleep(8)  # let the redelivered task run too
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    records = mine()
    assert len(records) == 1
    with org["sessions"]() as session:
        row = session.get(PublicationRow, (post_id, org["ids"]["account"]))
        assert row is not None and row.platform_id == records[0].uri
    done = [e for e in org["service"].audit_entries() if e.action == "publish.done"]
    assert len(done) == 1 and done[0].details["reconciled"] is True
