"""Platform errors: retryable ones leave the post safe and pending, permanent ones fail it clearly."""

from __future__ import annotations

from typing import Any

from phigate.compliance.posts import PostState
from phigate.publishing.connectors import ConnectorError, Published
from tests.publishing.conftest import make_publisher


class Refusing:
    platform = "bluesky"

    def __init__(self, error: ConnectorError) -> None:
        self.error = error

    def publish(
        self, text: str, idempotency_key: str, media: Any = (), reply_to: Any = None
    ) -> Published:
        raise self.error

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        raise self.error


def test_rate_limit_is_retried_and_the_post_stays_scheduled(org: dict[str, Any]) -> None:
    error = ConnectorError(
        "Bluesky could not publish right now (status 429)", retryable=True, retry_after=30
    )
    publisher = make_publisher(org, connectors=lambda account, creds: Refusing(error))
    publisher.store_credentials(
        org["ids"]["account"],
        {"service_url": "x", "handle": "x", "app_password": "x"},
        org["ids"]["officer"],
    )
    post_id = org["approved"]("Wash your hands!")
    outcome = publisher.publish(post_id)
    assert outcome.retry == ((org["ids"]["account"], str(error), 30),)
    [row] = publisher.publications(post_id)
    assert row.state == "pending" and "429" in (row.last_error or "")
    org["service"].session.expire_all()
    assert org["service"].post(post_id).state is PostState.SCHEDULED


def test_permanent_refusal_fails_with_the_reason(org: dict[str, Any]) -> None:
    error = ConnectorError(
        "Bluesky refused: the app password is wrong or revoked.", retryable=False
    )
    publisher = make_publisher(org, connectors=lambda account, creds: Refusing(error))
    publisher.store_credentials(
        org["ids"]["account"],
        {"service_url": "x", "handle": "x", "app_password": "x"},
        org["ids"]["officer"],
    )
    post_id = org["approved"]("Wash your hands!")
    outcome = publisher.publish(post_id)
    assert outcome.failed == ((org["ids"]["account"], str(error)),)
    [row] = publisher.publications(post_id)
    assert row.state == "failed" and "revoked" in (row.last_error or "")


def test_credentials_are_encrypted(org: dict[str, Any]) -> None:
    from sqlalchemy import select

    from phigate.storage.models import CredentialRow

    publisher = make_publisher(org)
    publisher.store_credentials(
        org["ids"]["account"], {"app_password": "very-secret-app-password"}, org["ids"]["officer"]
    )
    with org["sessions"]() as session:
        sealed = session.scalars(select(CredentialRow)).one().sealed
    assert b"very-secret-app-password" not in sealed


class Memory:
    """An in-memory platform: what was published, by idempotency key."""

    platform = "bluesky"

    def __init__(self) -> None:
        self.posts: dict[str, str] = {}  # key -> platform id
        self.refuse: ConnectorError | None = None

    def publish(
        self, text: str, idempotency_key: str, media: Any = (), reply_to: Any = None
    ) -> Published:
        if self.refuse is not None:
            raise self.refuse
        self.posts[idempotency_key] = f"id-{len(self.posts)}"
        return Published(self.posts[idempotency_key])

    def find(self, idempotency_key: str) -> Published | None:
        found = self.posts.get(idempotency_key)
        return Published(found) if found else None

    def delete(self, platform_id: str) -> None:
        self.posts = {k: v for k, v in self.posts.items() if v != platform_id}


def _memory_publisher(org: dict[str, Any], platform: Memory) -> Any:
    publisher = make_publisher(org, connectors=lambda account, creds: platform)
    publisher.store_credentials(org["ids"]["account"], {"token": "x"}, org["ids"]["officer"])
    return publisher


def test_a_failed_post_waits_for_a_person_then_goes_once(org: dict[str, Any]) -> None:
    platform = Memory()
    platform.refuse = ConnectorError("Bluesky refused: the token is revoked.", retryable=False)
    publisher = _memory_publisher(org, platform)
    post_id = org["approved"]("Wash your hands!")
    assert publisher.publish(post_id).failed
    assert publisher.due_posts() == []  # the scheduler does not hammer a refusing platform
    assert publisher.failed_posts() == {
        post_id: [(org["ids"]["account"], "Bluesky refused: the token is revoked.")]
    }
    platform.refuse = None  # a person stored a new token
    assert publisher.retry_failed(post_id, org["ids"]["officer"]) == 1
    assert publisher.due_posts() == [post_id]
    assert publisher.publish(post_id).published == (org["ids"]["account"],)
    assert len(platform.posts) == 1
    actions = [e.action for e in org["service"].audit_entries()]
    assert "publish.retry_requested" in actions and "publish.done" in actions


def test_a_live_claim_makes_a_second_worker_wait(org: dict[str, Any]) -> None:
    from phigate.storage.models import PublicationRow

    platform = Memory()
    publisher = _memory_publisher(org, platform)
    post_id = org["approved"]("Wash your hands!")
    with org["sessions"]() as session:  # another worker claimed the row a moment ago
        session.add(
            PublicationRow(
                post_id=post_id, account_id=org["ids"]["account"], idempotency_key="k" * 40,
                state="pending", attempts=1, claimed_until=org["clock"].now + publisher.lease,
            )
        )  # fmt: skip
        session.commit()
    outcome = publisher.publish(post_id)
    assert outcome.retry and outcome.retry[0][2] == publisher.lease.total_seconds()
    assert platform.posts == {}


def test_taking_down_a_part_published_post_withdraws_the_rest(org: dict[str, Any]) -> None:
    platform = Memory()
    publisher = _memory_publisher(org, platform)
    post_id = org["approved"]("Wash your hands!")
    platform.refuse = ConnectorError("rate limited", retryable=True, retry_after=30)
    assert publisher.publish(post_id).retry  # waiting on a retry when the takedown comes
    platform.refuse = None
    assert publisher.takedown(post_id, org["ids"]["officer"]) == {}
    [row] = publisher.publications(post_id)
    assert row.state == "withdrawn"
    org["service"].session.expire_all()
    assert org["service"].post(post_id).state is PostState.IN_REVIEW
    assert publisher.publish(post_id).refused and platform.posts == {}
