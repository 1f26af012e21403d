"""A Celery app for the kill test: phigate's own tasks, but while PHIGATE_TEST_BLOCK_FILE is set the
connector hangs right after the platform accepted a post, before phigate records its answer, so the
test can SIGKILL the worker in the worst possible place.

    celery -A tests.publishing.blocking_worker worker --pool=solo
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from phigate import jobs
from phigate.compliance.accounts import SocialAccount
from phigate.publishing.connectors import Connector, Published
from phigate.publishing.publisher import Publisher, default_connectors

app = jobs.app
app.conf.update(
    task_default_queue=os.environ.get("PHIGATE_TEST_QUEUE", "celery"),
    # Redelivery of a dead worker's unacknowledged task after seconds, not the default hour.
    broker_transport_options={"visibility_timeout": 5},
)


class HangAfterPublishing:
    def __init__(self, real: Connector, marker: Path) -> None:
        self.real, self.marker, self.platform = real, marker, real.platform

    def publish(
        self, text: str, idempotency_key: str, media: Any = (), reply_to: Any = None
    ) -> Published:
        published = self.real.publish(text, idempotency_key)
        self.marker.write_text(published.platform_id)
        time.sleep(600)  # killed here
        return published

    def find(self, idempotency_key: str) -> Published | None:
        return self.real.find(idempotency_key)

    def delete(self, platform_id: str) -> None:
        self.real.delete(platform_id)


def _connectors(account: SocialAccount, credentials: dict[str, Any]) -> Connector:
    real = default_connectors(account, credentials)
    marker = os.environ.get("PHIGATE_TEST_BLOCK_FILE")
    return HangAfterPublishing(real, Path(marker)) if marker else real


_original = jobs.publisher


@cache
def _publisher() -> Publisher:
    return replace(_original(), connectors=_connectors)


jobs.publisher = _publisher  # type: ignore[assignment]  # the tasks look it up at call time
