"""Publishing exactly once per account, with the gate run again at publishing time.

For each (post, account) a publication row with an idempotency key is committed BEFORE the platform
is called and completed AFTER it answers. A worker killed in between leaves a pending row with
attempts > 0; the next attempt asks the platform whether a post with that key exists before it
publishes, so nothing is published twice and nothing is lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from phigate.compliance.accounts import SocialAccount
from phigate.compliance.posts import PostState
from phigate.publishing.connectors import Connector, ConnectorError
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault
from phigate.storage.models import CredentialRow, PostRow, PublicationRow

ConnectorFactory = Callable[[SocialAccount, dict[str, Any]], Connector]


def default_connectors(account: SocialAccount, credentials: dict[str, Any]) -> Connector:
    if account.platform == "bluesky":
        from phigate.publishing.bluesky import BlueskyConnector

        return BlueskyConnector(
            credentials["service_url"], credentials["handle"], credentials["app_password"]
        )
    if account.platform == "mastodon":
        from phigate.publishing.mastodon import MastodonConnector

        return MastodonConnector(credentials["api_base_url"], credentials["access_token"])
    raise ConnectorError(f"no connector for {account.platform} is installed", retryable=False)


@dataclass(frozen=True)
class Outcome:
    post_id: str
    published: tuple[str, ...] = ()  # account ids
    failed: tuple[tuple[str, str], ...] = ()  # (account id, reason)
    retry: tuple[tuple[str, str, float | None], ...] = ()  # (account id, reason, retry after)
    refused: tuple[str, ...] = ()  # gate reasons


def idempotency_key(post_id: str, account_id: str, content_hash: str) -> str:
    return hashlib.sha256(f"{post_id}|{account_id}|{content_hash}".encode()).hexdigest()[:40]


@dataclass
class Publisher:
    sessions: sessionmaker[Session]
    vault: Vault
    connectors: ConnectorFactory = default_connectors
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def _service(self, session: Session) -> ComplianceService:
        return ComplianceService(session, self.vault, self.clock)

    def store_credentials(self, account_id: str, credentials: dict[str, Any], actor: str) -> None:
        with self.sessions() as session:
            service = self._service(session)
            row = session.get(CredentialRow, account_id)
            sealed = self.vault.seal(credentials)
            if row is None:
                session.add(CredentialRow(account_id=account_id, sealed=sealed))
            else:
                row.sealed = sealed
            service.record(actor, "credentials.stored", "account", account_id)
            session.commit()

    def due_posts(self) -> list[str]:
        with self.sessions() as session:
            now = self.clock()
            rows = session.scalars(
                select(PostRow).where(PostRow.state == PostState.SCHEDULED.value)
            )
            return [r.id for r in rows if r.scheduled_for is None or _utc(r.scheduled_for) <= now]

    def publish(self, post_id: str) -> Outcome:
        with self.sessions() as session:
            service = self._service(session)
            post = service.post(post_id)
            if post.state not in (PostState.SCHEDULED, PostState.APPROVED):
                return Outcome(post_id, refused=(f"the post is {post.state.value}",))
            decision = service.gate(post_id)  # again, now: training, authorizations, accounts, hash
            if not decision.allowed:
                service.record(
                    None,
                    "publish.refused",
                    "post",
                    post_id,
                    reasons=[r.code for r in decision.reasons],
                )
                session.commit()
                return Outcome(post_id, refused=tuple(str(r) for r in decision.reasons))
            accounts = {a.id: a for a in service.accounts()}
            for account_id in post.account_ids:
                key = idempotency_key(post_id, account_id, post.content_hash)
                if session.get(PublicationRow, (post_id, account_id)) is None:
                    session.add(
                        PublicationRow(
                            post_id=post_id,
                            account_id=account_id,
                            idempotency_key=key,
                            state="pending",
                            attempts=0,
                        )
                    )
            session.commit()
            text, targets = post.text, list(post.account_ids)
        published, failed, retry = [], [], []
        for account_id in targets:
            result = self._publish_one(post_id, accounts[account_id], text)
            if result is None:
                published.append(account_id)
            elif result[2] is True:
                retry.append((account_id, result[0], result[1]))
            else:
                failed.append((account_id, result[0]))
        with self.sessions() as session:
            service = self._service(session)
            rows = session.scalars(
                select(PublicationRow).where(PublicationRow.post_id == post_id)
            ).all()
            if rows and all(r.state == "published" for r in rows):
                post = service.post(post_id)
                if post.state is not PostState.PUBLISHED:
                    service._save(post.move(PostState.PUBLISHED, "publisher", self.clock()))
                    service.record(None, "post.published", "post", post_id, accounts=len(rows))
            session.commit()
        return Outcome(post_id, tuple(published), tuple(failed), tuple(retry))

    def _publish_one(
        self, post_id: str, account: SocialAccount, text: str
    ) -> tuple[str, float | None, bool] | None:
        """None when published; otherwise (reason, retry after, retryable)."""
        with self.sessions() as session:
            row = session.get(PublicationRow, (post_id, account.id))
            assert row is not None
            if row.state == "published":
                return None
            interrupted = row.state == "pending" and row.attempts > 0
            row.attempts += 1
            key = row.idempotency_key
            session.commit()  # the attempt is on record before the platform hears of it
        try:
            connector = self.connectors(account, self._credentials(account.id))
            found = connector.find(key) if interrupted else None
            outcome = found or connector.publish(text, key)
        except ConnectorError as error:
            with self.sessions() as session:
                row = session.get(PublicationRow, (post_id, account.id))
                assert row is not None
                row.last_error = str(error)
                if not error.retryable:
                    row.state = "failed"
                self._service(session).record(
                    None,
                    "publish.failed",
                    "post",
                    post_id,
                    account=account.id,
                    retryable=error.retryable,
                )
                session.commit()
            return str(error), error.retry_after, error.retryable
        with self.sessions() as session:
            row = session.get(PublicationRow, (post_id, account.id))
            assert row is not None
            row.state, row.platform_id, row.url = "published", outcome.platform_id, outcome.url
            row.published_at, row.last_error = self.clock(), None
            self._service(session).record(
                None,
                "publish.done",
                "post",
                post_id,
                account=account.id,
                reconciled=found is not None,
            )
            session.commit()
        return None

    def takedown(self, post_id: str, actor: str) -> dict[str, datetime]:
        """Delete the post from every platform it went to, recording the time per platform."""
        removed: dict[str, datetime] = {}
        with self.sessions() as session:
            service = self._service(session)
            accounts = {a.id: a for a in service.accounts()}
            rows = session.scalars(
                select(PublicationRow).where(
                    PublicationRow.post_id == post_id, PublicationRow.state == "published"
                )
            ).all()
            for row in rows:
                account = accounts[row.account_id]
                try:
                    self.connectors(account, self._credentials(account.id)).delete(
                        row.platform_id or ""
                    )
                except ConnectorError as error:
                    row.last_error = str(error)
                    service.record(actor, "takedown.failed", "post", post_id, account=account.id)
                    continue
                row.state, row.deleted_at = "deleted", self.clock()
                removed[account.platform] = row.deleted_at
                service.record(actor, "takedown.done", "post", post_id, account=account.id)
            post = service.post(post_id)
            if (
                removed
                and all(r.state == "deleted" for r in rows)
                and post.state is PostState.PUBLISHED
            ):
                service._save(post.move(PostState.TAKEN_DOWN, actor, self.clock()))
            session.commit()
        return removed

    def publications(self, post_id: str) -> list[PublicationRow]:
        with self.sessions() as session:
            return list(
                session.scalars(select(PublicationRow).where(PublicationRow.post_id == post_id))
            )

    def _credentials(self, account_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            row = session.get(CredentialRow, account_id)
            if row is None:
                raise ConnectorError("the account has no stored credentials", retryable=False)
            credentials: dict[str, Any] = self.vault.open(row.sealed)
            return credentials


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
