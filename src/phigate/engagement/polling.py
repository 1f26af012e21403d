"""Fetching the inbox from every connected account that can read what the public writes to it.

Each account keeps a cursor (how far it has been read). A poll asks the platform for what arrived
since then, stores each item once (the same comment fetched twice is kept once), flags a
commenter's own health details, and moves the cursor on. One account failing (an expired token, an
outage) is recorded on its cursor and does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from phigate.compliance.accounts import AccountStatus, SocialAccount
from phigate.engagement.inbox import Inbound
from phigate.engagement.operations import EngagementOperations
from phigate.publishing.connectors import Connector, ConnectorError, InboundSource
from phigate.scanning.profile import EMPTY_PROFILE, OrganizationProfile
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault
from phigate.storage.models import CredentialRow, FetchCursorRow, InboundRow

ConnectorFor = Callable[[SocialAccount], Connector]


@dataclass(frozen=True)
class AccountPoll:
    account_id: str
    fetched: int = 0
    stored: int = 0  # new items; the rest were already in the inbox
    flagged: int = 0  # new items in which the commenter disclosed health details
    error: str | None = None


@dataclass
class InboxPoller:
    sessions: sessionmaker[Session]
    vault: Vault
    connector_for: ConnectorFor
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    profile: OrganizationProfile = EMPTY_PROFILE

    def poll(self) -> list[AccountPoll]:
        """Poll every active account that has credentials and whose platform can be read."""
        with self.sessions() as session:
            service = ComplianceService(session, self.vault, self.clock)
            connected = set(session.scalars(select(CredentialRow.account_id)))
            accounts = [
                a
                for a in service.accounts()
                if a.status is AccountStatus.ACTIVE and a.id in connected
            ]
        results = []
        for account in accounts:
            result = self.poll_account(account)
            if result is not None:
                results.append(result)
        return results

    def poll_account(self, account: SocialAccount) -> AccountPoll | None:
        """None when the account's platform offers nothing to read."""
        try:
            connector = self.connector_for(account)
            if not isinstance(connector, InboundSource):
                return None
            with self.sessions() as session:
                cursor = session.get(FetchCursorRow, account.id)
                since = _utc(cursor.fetched_until) if cursor and cursor.fetched_until else None
            items = connector.fetch_inbound(since)
        except ConnectorError as error:
            return self._failed(account, str(error), error.retryable)
        except Exception as error:  # a connector bug must not stop the other accounts
            # The type only: an exception's text may quote what the platform sent (comments).
            return self._failed(account, f"reading the inbox failed ({type(error).__name__})", True)
        try:
            return self._store(account, items)
        except SQLAlchemyError as error:
            # Another process stored the same item a moment earlier (a unique constraint), or the
            # database is away: the cursor did not move, so the next poll reads these again.
            return self._failed(account, f"storing the inbox failed ({type(error).__name__})", True)

    def _store(self, account: SocialAccount, items: list[Inbound]) -> AccountPoll:
        with self.sessions() as session:
            service = ComplianceService(session, self.vault, self.clock)
            operations = EngagementOperations(service, self.profile)
            stored = [item for item in items if operations.receive(item, account.id)]
            flagged = 0
            if stored:
                flagged = len(
                    session.scalars(
                        select(InboundRow.id).where(
                            InboundRow.account_id == account.id,
                            InboundRow.external_id.in_([i.external_id for i in stored]),
                            InboundRow.self_disclosure.is_(True),
                        )
                    ).all()
                )
            cursor = _cursor(session, account.id, self.clock())
            newest = max((_utc(item.received_at) for item in items), default=None)
            if newest is not None and (
                cursor.fetched_until is None or newest > _utc(cursor.fetched_until)
            ):
                cursor.fetched_until = newest
            cursor.last_error = None
            if stored:
                # Counts only: the audit trail never holds what the public wrote. A poll that found
                # nothing new leaves no entry, or every account would add hundreds a day.
                service.record(
                    None, "inbox.fetched", "account", account.id,
                    fetched=len(items), stored=len(stored), flagged=flagged,
                )  # fmt: skip
            session.commit()
        return AccountPoll(account.id, len(items), len(stored), flagged)

    def _failed(self, account: SocialAccount, reason: str, retryable: bool) -> AccountPoll:
        with self.sessions() as session:
            cursor = _cursor(session, account.id, self.clock())
            if cursor.last_error != reason:  # on record once per cause, not every five minutes
                ComplianceService(session, self.vault, self.clock).record(
                    None, "inbox.fetch_failed", "account", account.id, retryable=retryable
                )
            cursor.last_error = reason
            session.commit()
        return AccountPoll(account.id, error=reason)


def _cursor(session: Session, account_id: str, now: datetime) -> FetchCursorRow:
    cursor = session.get(FetchCursorRow, account_id)
    if cursor is None:
        cursor = FetchCursorRow(account_id=account_id, polled_at=now)
        session.add(cursor)
    cursor.polled_at = now
    return cursor


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
