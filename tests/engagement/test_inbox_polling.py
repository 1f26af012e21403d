"""Polling the inbox: new items are stored once with their account, the cursor moves on, a
commenter's own health details are flagged, and one failing account does not stop the others."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from phigate.compliance.accounts import SocialAccount
from phigate.compliance.people import Role
from phigate.engagement.inbox import Inbound, InboundKind
from phigate.engagement.polling import InboxPoller
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.publisher import Publisher
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from phigate.storage.models import AuditRow, FetchCursorRow, InboundRow
from tests.compliance.factories import Clock
from tests.publishing.fake_mastodon import TOKEN, mention, new_state, running

DISCLOSURE = "My hip surgery on March 3 went great thanks to the nurses"
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@dataclass
class Org:
    sessions: Any
    vault: Vault
    clock: Clock
    accounts: dict[str, str]  # platform -> account id
    officer: str

    def service(self) -> ComplianceService:
        return ComplianceService(self.sessions(), self.vault, self.clock)


@pytest.fixture
def org(engine: Engine) -> Iterator[Org]:
    migrate(engine)
    sessions, vault = session_factory(engine), Vault([new_key()])
    with sessions() as session:
        service = ComplianceService(session, vault)
        officer = service.add_person("Pat", "po@example.org", {Role.PRIVACY_OFFICER})
        manager = service.add_person("Morgan", "morgan@example.org", {Role.AUTHOR})
        accounts = {}
        for platform in ("bluesky", "mastodon", "pinterest", "threads"):
            account = service.request_account(
                platform, f"@clinic-{platform}", manager.id, manager.id
            )
            service.decide_account(account.id, True, officer.id)
            accounts[platform] = account.id
        session.commit()
    yield Org(sessions, vault, Clock(T0 + timedelta(days=1)), accounts, officer.id)


@dataclass
class FakeSource:
    """A platform whose public writes `items`; it answers what arrived at or after `since`."""

    platform: str
    items: list[Inbound] = field(default_factory=list)
    asked: list[datetime | None] = field(default_factory=list)
    error: ConnectorError | None = None

    def publish(self, text: str, idempotency_key: str, media: Sequence[MediaItem] = (),
                reply_to: str | None = None) -> Published:  # fmt: skip
        raise AssertionError("polling never publishes")

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        return None

    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        self.asked.append(since)
        if self.error:
            raise self.error
        return [i for i in self.items if since is None or i.received_at >= since]


class PublishOnly:
    platform = "pinterest"

    def publish(self, text: str, idempotency_key: str, media: Sequence[MediaItem] = (),
                reply_to: str | None = None) -> Published:  # fmt: skip
        raise AssertionError("polling never publishes")

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        return None


def _comment(external_id: str, text: str, minutes: int) -> Inbound:
    return Inbound(
        "bluesky", InboundKind.REPLY, "Maria", text, T0 + timedelta(minutes=minutes), external_id
    )


def test_a_poll_stores_new_items_once_advances_the_cursor_and_flags(org: Org) -> None:
    bluesky = FakeSource(
        "bluesky", [_comment("at://c/1", "Lovely staff!", 0), _comment("at://c/2", DISCLOSURE, 5)]
    )
    mastodon = FakeSource("mastodon", error=ConnectorError(
        "Mastodon refused to read Mastodon mentions: the access token is wrong, expired or revoked.", retryable=False))  # fmt: skip
    connectors = {org.accounts["bluesky"]: bluesky, org.accounts["mastodon"]: mastodon,
                  org.accounts["pinterest"]: PublishOnly()}  # fmt: skip
    publisher = Publisher(
        org.sessions, org.vault, connectors=lambda account, _: connectors[account.id]
    )
    for platform in ("bluesky", "mastodon", "pinterest"):  # threads has no credentials: not polled
        publisher.store_credentials(org.accounts[platform], {"token": "invented"}, org.officer)
    poller = InboxPoller(org.sessions, org.vault, publisher.connector_for, org.clock)

    first = {r.account_id: r for r in poller.poll()}
    assert set(first) == {org.accounts["bluesky"], org.accounts["mastodon"]}
    assert (first[org.accounts["bluesky"]].stored, first[org.accounts["bluesky"]].flagged) == (2, 1)
    assert first[org.accounts["mastodon"]].error is not None
    assert bluesky.asked == [None]
    with org.sessions() as session:
        rows = session.scalars(select(InboundRow).order_by(InboundRow.external_id)).all()
        assert [(r.external_id, r.account_id, r.self_disclosure) for r in rows] == [
            ("at://c/1", org.accounts["bluesky"], False), ("at://c/2", org.accounts["bluesky"], True)]  # fmt: skip
        cursor = session.get(FetchCursorRow, org.accounts["bluesky"])
        assert cursor is not None and cursor.last_error is None
        assert cursor.fetched_until is not None and cursor.fetched_until.replace(
            tzinfo=UTC
        ) == T0 + timedelta(minutes=5)
        failing = session.get(FetchCursorRow, org.accounts["mastodon"])
        assert failing is not None and failing.fetched_until is None
        assert failing.last_error is not None and "access token" in failing.last_error

    bluesky.items.append(_comment("at://c/3", "Parking was easy.", 30))
    org.clock.now += timedelta(minutes=5)
    second = {r.account_id: r for r in poller.poll()}
    assert bluesky.asked[1] == T0 + timedelta(minutes=5)  # only what is new is asked for
    assert second[org.accounts["bluesky"]].stored == 1  # the item at the cursor is not stored twice
    assert poller.poll()[0].stored == 0
    with org.sessions() as session:
        assert len(session.scalars(select(InboundRow)).all()) == 3
        audit = session.scalars(select(AuditRow).where(AuditRow.action.like("inbox.%"))).all()
        actions = [a.action for a in audit]
        assert actions.count("inbox.fetched") == 2  # a poll that found nothing new adds no entry
        assert actions.count("inbox.fetch_failed") == 1  # the same cause is on record once
        trail = json.dumps([a.details for a in audit])
        assert "hip" not in trail and "Maria" not in trail and "Parking" not in trail
        fetched = [a.details for a in audit if a.action == "inbox.fetched"]
        assert fetched[0] == {"fetched": 2, "stored": 2, "flagged": 1}


def test_a_connector_bug_is_recorded_by_type_and_the_others_still_poll(org: Org) -> None:
    class Broken(FakeSource):
        def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
            raise ValueError(f"could not parse {DISCLOSURE!r}")  # a message quoting a comment

    working = FakeSource("bluesky", [_comment("at://c/9", "Great care.", 0)])
    connectors = {org.accounts["mastodon"]: Broken("mastodon"), org.accounts["bluesky"]: working}

    def factory(account: SocialAccount, credentials: dict[str, Any]) -> Any:
        return connectors[account.id]

    publisher = Publisher(org.sessions, org.vault, connectors=factory)
    for platform in ("mastodon", "bluesky"):
        publisher.store_credentials(org.accounts[platform], {"token": "invented"}, org.officer)
    results = {
        r.account_id: r
        for r in InboxPoller(org.sessions, org.vault, publisher.connector_for).poll()
    }
    assert results[org.accounts["bluesky"]].stored == 1
    error = results[org.accounts["mastodon"]].error
    assert error is not None and "ValueError" in error and "hip" not in error


def test_polling_a_mastodon_account_over_http(org: Org) -> None:
    state = new_state()
    state["notifications"] = [
        mention(1, "2026-11-22T09:00:00.000Z", "Kim", "<p>Do you take new patients?</p>", status_id="s1"),
        mention(2, "2026-11-22T09:30:00.000Z", "Maria", f"<p>{DISCLOSURE}</p>", status_id="s2"),
    ]  # fmt: skip
    with running(state) as base:
        publisher = Publisher(org.sessions, org.vault)  # the real registry: MastodonConnector
        publisher.store_credentials(
            org.accounts["mastodon"], {"api_base_url": base, "access_token": TOKEN}, org.officer
        )
        poller = InboxPoller(org.sessions, org.vault, publisher.connector_for, org.clock)
        [first] = poller.poll()
        assert (first.fetched, first.stored, first.flagged) == (2, 2, 1)
        state["notifications"].append(
            mention(
                3,
                "2026-11-22T10:00:00.000Z",
                "Lee",
                "<p>Thank you!</p>",
                status_id="s3",
                reply_to="77",
            )
        )
        [second] = poller.poll()
        assert second.stored == 1
    calls = [r for r in state["requests"] if r[1] == "/api/v1/notifications"]
    assert len(calls) == 2 and all(c[2]["authorization"] == f"Bearer {TOKEN}" for c in calls)
    with org.sessions() as session:
        rows = {r.external_id: r for r in session.scalars(select(InboundRow))}
        assert set(rows) == {"s1", "s2", "s3"}
        assert rows["s2"].self_disclosure and not rows["s1"].self_disclosure
        assert rows["s3"].kind == "reply" and rows["s3"].account_id == org.accounts["mastodon"]
        cursor = session.get(FetchCursorRow, org.accounts["mastodon"])
        assert cursor is not None and cursor.fetched_until is not None
        assert cursor.fetched_until.replace(tzinfo=UTC) == datetime(2026, 11, 22, 10, tzinfo=UTC)
