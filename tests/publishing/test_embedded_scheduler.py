"""Without a broker, the web process itself publishes due posts: nobody runs `phigate publish due`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from phigate.compliance.posts import PostState
from phigate.publishing.connectors import MediaItem, Published
from phigate.scheduler import EmbeddedScheduler, PeriodicJob, embedded_scheduler
from phigate.web.app import create_app
from tests.publishing.conftest import make_publisher


class Platform:
    platform = "recording"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        self.texts.append(text)
        return Published(f"p-{len(self.texts)}")

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        return None


def _scheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "phigate-scheduler"]


def test_a_due_post_is_published_by_the_web_process(
    engine: Engine, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHIGATE_SCHEDULER", "on")
    monkeypatch.delenv("PHIGATE_BROKER_URL", raising=False)
    monkeypatch.setenv("PHIGATE_PUBLISH_EVERY_S", "0.1")
    platform = Platform()
    make_publisher(org).store_credentials(
        org["ids"]["account"], {"token": "invented"}, org["ids"]["officer"]
    )
    app = create_app(
        engine, org["vault"], "s" * 48,
        background=partial(embedded_scheduler, connectors=lambda account, credentials: platform),
    )  # fmt: skip
    service = org["service"]
    with TestClient(app):
        assert len(_scheduler_threads()) == 1
        time.sleep(0.3)  # the first ticks find nothing due
        post_id = org["approved"]("The walk-in clinic is open on the holiday Monday.")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            service.session.expire_all()
            if service.post(post_id).state is PostState.PUBLISHED:
                break
            time.sleep(0.05)
        time.sleep(0.3)  # more ticks: nothing goes twice
    service.session.expire_all()
    assert service.post(post_id).state is PostState.PUBLISHED
    assert platform.texts == ["The walk-in clinic is open on the holiday Monday."]
    assert _scheduler_threads() == []  # stopped with the application


def test_it_stays_off_when_turned_off_or_when_celery_runs_the_jobs(
    org: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PHIGATE_BROKER_URL", raising=False)
    monkeypatch.setenv("PHIGATE_SCHEDULER", "off")
    assert embedded_scheduler(org["sessions"], org["vault"]) is None
    monkeypatch.setenv("PHIGATE_SCHEDULER", "on")
    assert embedded_scheduler(org["sessions"], org["vault"]) is not None
    monkeypatch.setenv("PHIGATE_BROKER_URL", "redis://127.0.0.1:6379/0")
    assert embedded_scheduler(org["sessions"], org["vault"]) is None


def test_a_failing_job_is_logged_by_type_and_the_others_keep_their_intervals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    runs: list[str] = []

    def failing() -> None:
        runs.append("poll")
        raise RuntimeError("comment from Maria: my hip surgery")

    scheduler = EmbeddedScheduler(
        [
            PeriodicJob("publish", 60, lambda: runs.append("publish")),
            PeriodicJob("poll", 300, failing),
        ],
        clock=lambda: now[0],
    )
    with caplog.at_level(logging.ERROR, logger="phigate.scheduler"):
        assert scheduler.run_due() == ["publish", "poll"]  # both at start-up
    assert "RuntimeError" in caplog.text and "hip" not in caplog.text and "Maria" not in caplog.text
    now[0] = 61
    assert scheduler.run_due() == ["publish"]
    now[0] = 100
    assert scheduler.run_due() == []  # publish next at 121, poll at 300
    now[0] = 301
    assert scheduler.run_due() == ["publish", "poll"]  # the failure did not stop its schedule
    assert runs == ["publish", "poll", "publish", "publish", "poll"]
