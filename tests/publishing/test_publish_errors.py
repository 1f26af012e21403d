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

    def publish(self, text: str, idempotency_key: str) -> Published:
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
