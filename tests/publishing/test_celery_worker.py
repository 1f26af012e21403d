"""A real Celery worker, with the real Redis at 127.0.0.1:6379 as broker, publishing to the local PDS."""

from __future__ import annotations

import os
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from phigate.compliance.posts import PostState
from tests.publishing.conftest import make_publisher

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
