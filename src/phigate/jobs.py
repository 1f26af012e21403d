"""The job engine: Celery. Embedded mode (no PHIGATE_BROKER_URL) runs tasks in-process, so
`make run` needs no other server (the web process's scheduler thread, `phigate.scheduler`, runs
the periodic jobs); at scale, Celery workers and beat with Redis as the broker.

    celery -A phigate.jobs worker --loglevel=info
    celery -A phigate.jobs beat
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

from celery import Celery

from phigate.engagement.polling import InboxPoller
from phigate.publishing.connectors import ConnectorError
from phigate.publishing.publisher import Publisher
from phigate.scheduler import (
    DAY_S,
    PENDING_MEDIA_EVERY,
    POLL_INBOX_EVERY,
    PUBLISH_EVERY,
    REMIND_EVERY,
    interval,
)

if TYPE_CHECKING:
    from phigate.media.store import MediaStore

broker = os.environ.get("PHIGATE_BROKER_URL", "")
app = Celery(
    "phigate",
    broker=broker or "memory://",
    backend=os.environ.get("PHIGATE_RESULT_BACKEND") or None,
)
app.conf.update(
    task_always_eager=not broker,  # embedded: run where they are called
    task_acks_late=True,  # a task whose worker dies is delivered again, not lost
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    beat_schedule={
        "publish-due-posts": {
            "task": "phigate.jobs.publish_due_posts",
            "schedule": interval(PUBLISH_EVERY, 60.0),
        },
        "poll-inbox": {
            "task": "phigate.jobs.poll_inbox",
            "schedule": interval(POLL_INBOX_EVERY, 300.0),
        },
        "send-reminders": {
            "task": "phigate.jobs.send_reminders",
            "schedule": interval(REMIND_EVERY, DAY_S),
        },
        "scan-pending-media": {
            "task": "phigate.jobs.scan_pending_media",
            "schedule": interval(PENDING_MEDIA_EVERY, 300.0),
        },
    },
)


@cache
def publisher() -> Publisher:
    from phigate.storage.crypto import Vault
    from phigate.storage.database import data_dir, make_engine, migrate, session_factory

    engine = make_engine()
    migrate(engine)
    return Publisher(session_factory(engine), Vault.from_environment(data_dir() / "encryption.key"))


def inbox_poller() -> InboxPoller:
    from phigate.scanning.profile import configured_profile

    # The organization's own phone numbers and names are not a commenter's disclosure.
    profile = configured_profile()
    shared = publisher()  # the same signed-in connectors as publishing
    return InboxPoller(shared.sessions, shared.vault, shared.connector_for, profile=profile)


@app.task(name="phigate.jobs.publish_due_posts")
def publish_due_posts() -> list[str]:
    """Queue every scheduled post whose time has come; each publishes in its own task."""
    due = publisher().due_posts()
    for post_id in due:
        publish_post.delay(post_id)
    return due


@app.task(name="phigate.jobs.publish_post", bind=True, max_retries=6)
def publish_post(self: Any, post_id: str) -> dict[str, Any]:
    outcome = publisher().publish(post_id)
    if outcome.retry:
        # Rate limits and outages: back off exponentially, or as long as the platform asked.
        wait = max(
            [after or 0.0 for _, _, after in outcome.retry] + [2.0**self.request.retries * 30]
        )
        raise self.retry(countdown=wait, exc=ConnectorError(outcome.retry[0][1], retryable=True))
    return {
        "published": list(outcome.published),
        "failed": [a for a, _ in outcome.failed],
        "refused": list(outcome.refused),
    }


@app.task(name="phigate.jobs.takedown")
def takedown(post_id: str, actor: str) -> dict[str, str]:
    return {
        platform: at.isoformat() for platform, at in publisher().takedown(post_id, actor).items()
    }


@app.task(name="phigate.jobs.scan_media")
def scan_media(media_id: str) -> dict[str, Any]:
    """Scan an uploaded photo or video (seconds for a picture, longer for a video)."""
    from phigate.media.store import MediaStore
    from phigate.service import ComplianceService

    with publisher().sessions() as session:
        service = ComplianceService(session, publisher().vault)
        attachment = MediaStore(service).scan(media_id)
        session.commit()
    return {"verdict": attachment.verdict, "types": list(attachment.identifier_types)}


def scan_media_soon(store: MediaStore, media_id: str) -> None:
    """Embedded mode scans at once, in the caller's session; with workers, a worker scans it and
    the gate says "not scanned yet" until it has."""
    if app.conf.task_always_eager:
        store.scan(media_id)
    else:
        scan_media.delay(media_id)


@app.task(name="phigate.jobs.poll_inbox")
def poll_inbox() -> list[dict[str, Any]]:
    """Fetch new comments, replies and mentions from every connected account (counts only)."""
    return [
        {"account": r.account_id, "fetched": r.fetched, "stored": r.stored, "flagged": r.flagged,
         "error": r.error}
        for r in inbox_poller().poll()
    ]  # fmt: skip


@app.task(name="phigate.jobs.send_reminders")
def send_reminders() -> dict[str, int]:
    """Training, authorization, breach-notice and account-request reminders (counts only)."""
    from phigate.notifications.delivery import run_reminder_job

    shared = publisher()
    return run_reminder_job(shared.sessions, shared.vault)


@app.task(name="phigate.jobs.scan_chunk")
def scan_chunk(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Scan one chunk of a bulk scan (`phigate bulk scan`); results carry ids, never text."""
    from phigate.bulk import work

    return work.scan_chunk(message)


@app.task(name="phigate.jobs.scan_pending_media")
def scan_pending_media() -> list[str]:
    """Queue a scan for every file left unscanned (a worker died mid-scan, a task was lost)."""
    from datetime import timedelta

    from phigate.media.store import pending_media
    from phigate.service import ComplianceService

    with publisher().sessions() as session:
        waiting = pending_media(ComplianceService(session, publisher().vault), timedelta(minutes=2))
    for media_id in waiting:
        scan_media.delay(media_id)
    return waiting
