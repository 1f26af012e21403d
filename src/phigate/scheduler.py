"""The embedded scheduler: the periodic jobs, run by a thread inside the web process.

Without a broker (`phigate serve`, `make run`) nobody runs Celery beat, so the web process itself
publishes what is due every minute, polls the inbox every five minutes and sends reminders daily,
on one background thread started and stopped with the application. With PHIGATE_BROKER_URL set,
Celery beat schedules the same jobs (`phigate.jobs`) and this thread stays off;
PHIGATE_SCHEDULER=off turns it off too.

Running it in several processes at once is safe, only wasteful: a publication is claimed before the
platform is called, and an inbox item is stored once per platform and id. Reminders are deduplicated
through the audit trail, so at worst two processes starting in the same second mail one twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from phigate.engagement.polling import InboxPoller
from phigate.notifications.delivery import run_reminder_job
from phigate.publishing.publisher import ConnectorFactory, Publisher
from phigate.scanning.profile import EMPTY_PROFILE, OrganizationProfile
from phigate.storage.crypto import Vault

log = logging.getLogger(__name__)

PUBLISH_EVERY = "PHIGATE_PUBLISH_EVERY_S"
POLL_INBOX_EVERY = "PHIGATE_INBOX_POLL_EVERY_S"
REMIND_EVERY = "PHIGATE_REMIND_EVERY_S"
PENDING_MEDIA_EVERY = "PHIGATE_PENDING_MEDIA_EVERY_S"
DAY_S = 86400.0


def interval(variable: str, default: float) -> float:
    """Seconds between two runs of a periodic job, from the environment."""
    return float(os.environ.get(variable) or default)


def enabled() -> bool:
    if os.environ.get("PHIGATE_BROKER_URL"):
        return False  # Celery beat schedules the jobs; workers run them
    return os.environ.get("PHIGATE_SCHEDULER", "on").strip().lower() not in (
        "off",
        "0",
        "false",
        "no",
    )


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_s: float
    run: Callable[[], object]


class EmbeddedScheduler:
    def __init__(
        self, jobs: Sequence[PeriodicJob], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.jobs = list(jobs)
        self._clock = clock
        self._next_run = {job.name: clock() for job in self.jobs}  # each runs once at start-up
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="phigate-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the job running now (a platform call is not cut off half-way)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_due(self) -> list[str]:
        """Run every job whose time has come; the names of those run."""
        ran = []
        for job in self.jobs:
            if self._clock() < self._next_run[job.name]:
                continue
            try:
                job.run()
            except Exception as error:  # one failing run must not end the thread
                # The type only: an exception's text may quote a post or a comment.
                log.error("scheduled job %r failed (%s)", job.name, type(error).__name__)
            self._next_run[job.name] = self._clock() + job.every_s
            ran.append(job.name)
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            soonest = min(self._next_run.values(), default=self._clock() + 1.0)
            self._stop.wait(min(1.0, max(0.01, soonest - self._clock())))


def publish_due(publisher: Publisher) -> int:
    """Publish every scheduled post whose time has come; a retryable failure waits for the next run."""
    published = 0
    for post_id in publisher.due_posts():
        try:
            published += bool(publisher.publish(post_id).published)
        except Exception as error:  # the other due posts still go
            log.error("publishing a due post failed (%s)", type(error).__name__)
    return published


def standard_jobs(publisher: Publisher, poller: InboxPoller) -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "publish due posts", interval(PUBLISH_EVERY, 60.0), lambda: publish_due(publisher)
        ),
        PeriodicJob("poll the inbox", interval(POLL_INBOX_EVERY, 300.0), poller.poll),
        # Daily; a reminder is sent at most once a week, so a restart's extra run sends nothing new.
        PeriodicJob(
            "send reminders",
            interval(REMIND_EVERY, DAY_S),
            lambda: run_reminder_job(publisher.sessions, publisher.vault),
        ),
        # Uploads are scanned at once in embedded mode; this catches a scan cut short by a restart.
        PeriodicJob(
            "scan pending media",
            interval(PENDING_MEDIA_EVERY, 300.0),
            lambda: _scan_pending_media(publisher),
        ),
    ]


def _scan_pending_media(publisher: Publisher) -> int:
    from phigate.media.store import scan_pending_media

    return scan_pending_media(publisher.sessions, publisher.vault)


def embedded_scheduler(
    sessions: sessionmaker[Session],
    vault: Vault,
    profile: OrganizationProfile = EMPTY_PROFILE,
    connectors: ConnectorFactory | None = None,
) -> EmbeddedScheduler | None:
    """The web process's scheduler, or None where Celery beat runs the jobs or it is turned off."""
    if not enabled():
        return None
    publisher = Publisher(sessions, vault, connectors=connectors)
    poller = InboxPoller(sessions, vault, publisher.connector_for, profile=profile)
    return EmbeddedScheduler(standard_jobs(publisher, poller))
