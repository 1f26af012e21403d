"""Publishing to a real AT Protocol server, reading back, exactly once, and taking down."""

from __future__ import annotations

from typing import Any

from atproto import Client

from phigate.compliance.posts import PostState
from phigate.publishing.bluesky import BlueskyConnector
from phigate.publishing.connectors import Published
from tests.publishing.conftest import make_publisher


def _credentials(pds: dict[str, Any]) -> dict[str, str]:
    return {"service_url": pds["pdsUrl"], "handle": pds["handle"], "app_password": pds["password"]}


def _records(pds: dict[str, Any]) -> list[Any]:
    client = Client(base_url=pds["pdsUrl"])
    client.login(pds["handle"], pds["password"], fetch_bsky_profile=False)
    return list(
        client.com.atproto.repo.list_records(
            {"repo": pds["did"], "collection": "app.bsky.feed.post"}
        ).records
    )


def test_publish_read_back_once_and_take_down(pds: dict[str, Any], org: dict[str, Any]) -> None:
    publisher = make_publisher(org)
    publisher.store_credentials(org["ids"]["account"], _credentials(pds), org["ids"]["officer"])
    post_id = org["approved"](
        "Flu shots are free for everyone this Saturday, 9am to 1pm. #HealthTip"
    )
    before = len(_records(pds))
    assert publisher.due_posts() == [post_id]
    outcome = publisher.publish(post_id)
    assert outcome.published == (org["ids"]["account"],)
    records = _records(pds)
    assert len(records) == before + 1
    mine = [r for r in records if r.value.text.startswith("Flu shots are free")]
    assert len(mine) == 1
    service = org["service"]
    service.session.expire_all()
    assert service.post(post_id).state is PostState.PUBLISHED
    assert publisher.publish(post_id).refused  # already published: nothing happens twice
    assert len(_records(pds)) == before + 1
    removed = publisher.takedown(post_id, org["ids"]["officer"])
    assert set(removed) == {"bluesky"}
    assert len(_records(pds)) == before
    service.session.expire_all()
    assert service.post(post_id).state is PostState.TAKEN_DOWN


class CrashAfterPublishing:
    """The real connector, but the worker 'dies' right after the platform accepted the post."""

    def __init__(self, real: BlueskyConnector) -> None:
        self.real = real
        self.platform = real.platform

    def publish(
        self, text: str, idempotency_key: str, media: Any = (), reply_to: Any = None
    ) -> Published:
        self.real.publish(text, idempotency_key)
        raise KeyboardInterrupt  # the process is gone before phigate records the platform's answer

    def find(self, idempotency_key: str) -> Published | None:
        return self.real.find(idempotency_key)

    def delete(self, platform_id: str) -> None:
        self.real.delete(platform_id)


def test_a_crash_between_the_platform_and_the_record_does_not_publish_twice(
    pds: dict[str, Any], org: dict[str, Any]
) -> None:
    import pytest

    credentials = _credentials(pds)
    crashing = make_publisher(
        org, connectors=lambda account, creds: CrashAfterPublishing(BlueskyConnector(**creds))
    )
    crashing.store_credentials(org["ids"]["account"], credentials, org["ids"]["officer"])
    post_id = org["approved"]("Our lobby café now opens at 6am. ☕")
    before = len(_records(pds))
    with pytest.raises(KeyboardInterrupt):
        crashing.publish(post_id)
    assert len(_records(pds)) == before + 1
    [pending] = crashing.publications(post_id)
    assert pending.state == "pending" and pending.attempts == 1
    again = make_publisher(org).publish(post_id)  # redelivered at once: the claim is still live
    assert again.retry and not again.published
    org["clock"].now += crashing.lease  # the dead worker's claim runs out
    outcome = make_publisher(org).publish(post_id)  # a new worker picks the task up again
    assert outcome.published == (org["ids"]["account"],)
    assert len(_records(pds)) == before + 1  # reconciled by its key, not published again


def test_the_gate_runs_again_at_publishing_time(pds: dict[str, Any], org: dict[str, Any]) -> None:
    publisher = make_publisher(org)
    publisher.store_credentials(org["ids"]["account"], _credentials(pds), org["ids"]["officer"])
    post_id = org["approved"](
        "Robin is back on the trail after knee surgery!", [org["ids"]["auth"]]
    )
    org["service"].revoke_authorization(
        org["ids"]["auth"], org["ids"]["officer"], "letter", org["ids"]["officer"]
    )
    org["service"].session.commit()
    before = len(_records(pds))
    outcome = publisher.publish(post_id)
    assert outcome.refused and not outcome.published
    assert len(_records(pds)) == before
