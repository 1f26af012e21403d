"""The reminder job runs daily: in Celery beat with a broker, on the web process's thread without."""

from __future__ import annotations

from sqlalchemy import Engine

from phigate.engagement.polling import InboxPoller
from phigate.jobs import app as celery_app
from phigate.publishing.publisher import Publisher
from phigate.scheduler import DAY_S, standard_jobs
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory


def test_celery_beat_schedules_the_reminders_daily() -> None:
    entry = celery_app.conf.beat_schedule["send-reminders"]
    assert entry["task"] == "phigate.jobs.send_reminders" and entry["schedule"] == DAY_S
    assert "phigate.jobs.send_reminders" in celery_app.tasks


def test_the_embedded_scheduler_runs_the_reminders_daily(engine: Engine) -> None:
    migrate(engine)
    publisher = Publisher(session_factory(engine), Vault([new_key()]))
    poller = InboxPoller(publisher.sessions, publisher.vault, publisher.connector_for)
    jobs = {job.name: job for job in standard_jobs(publisher, poller)}
    assert jobs["send reminders"].every_s == DAY_S
    assert jobs["send reminders"].run() == {}  # an empty database: nothing is due
