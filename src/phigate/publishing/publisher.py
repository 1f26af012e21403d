"""Publishing exactly once per account, with the gate run again at publishing time.

For each (post, account) a publication row with an idempotency key is committed BEFORE the platform
is called and completed AFTER it answers. A worker killed in between leaves a pending row with
attempts > 0; the next attempt asks the platform whether a post with that key exists before it
publishes, so nothing is published twice and nothing is lost.

Two workers never call the platform for the same row at once: an attempt first claims the row for a
lease (a conditional UPDATE, atomic on SQLite and PostgreSQL alike). A redelivered task or the next
scheduler run that finds a live claim waits; once a dead worker's lease runs out, the next attempt
reconciles. A permanent refusal marks the row `failed` with its reason; the scheduler leaves such a
post alone (it stays unpublished, so safe) until a person fixes the cause and calls `retry_failed`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from phigate.compliance.accounts import SocialAccount
from phigate.compliance.posts import PostState
from phigate.publishing.connectors import Connector, ConnectorError, MediaItem
from phigate.publishing.registry import connect
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault
from phigate.storage.models import CredentialRow, InboundRow, MediaRow, PostRow, PublicationRow

ConnectorFactory = Callable[[SocialAccount, dict[str, Any]], Connector]


def default_connectors(account: SocialAccount, credentials: dict[str, Any]) -> Connector:
    """The registry's connectors, with nowhere to save renewed OAuth tokens: they renew none."""
    return connect(account.platform, credentials)


@dataclass(frozen=True)
class Outcome:
    post_id: str
    published: tuple[str, ...] = ()  # account ids
    failed: tuple[tuple[str, str], ...] = ()  # (account id, reason)
    retry: tuple[tuple[str, str, float | None], ...] = ()  # (account id, reason, retry after)
    refused: tuple[str, ...] = ()  # gate reasons


def _lease_seconds() -> float:
    # Longer than any single platform call (the SDKs time out well under a minute), so a live
    # worker never loses its claim mid-call.
    return float(os.environ.get("PHIGATE_PUBLISH_LEASE_S", "300"))


def idempotency_key(post_id: str, account_id: str, content_hash: str) -> str:
    return hashlib.sha256(f"{post_id}|{account_id}|{content_hash}".encode()).hexdigest()[:40]


@dataclass
class Publisher:
    sessions: sessionmaker[Session]
    vault: Vault
    # None: the registry's connectors, and the X, LinkedIn and Pinterest ones renew expired OAuth
    # tokens and hand the new credentials back here to be sealed (`_save_renewed`).
    connectors: ConnectorFactory | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    lease: timedelta = field(default_factory=lambda: timedelta(seconds=_lease_seconds()))
    # One signed-in connector per account and credentials: a Bluesky login costs about ten
    # record writes, so signing in for every post would dominate a busy minute.
    _signed_in: dict[tuple[str, str], Connector] = field(default_factory=dict, repr=False)

    def _connector(self, account: SocialAccount) -> Connector:
        credentials = self._credentials(account.id)
        key = (account.id, _fingerprint(credentials))  # new credentials stored: a fresh sign-in
        if key not in self._signed_in:
            if self.connectors is not None:
                self._signed_in[key] = self.connectors(account, credentials)
            else:
                save = _SaveRenewed(self, key)
                self._signed_in[key] = connect(account.platform, credentials, save=save)
        return self._signed_in[key]

    def _save_renewed(
        self, account_id: str, renewed_from: str, credentials: dict[str, Any]
    ) -> bool:
        """Seal the tokens a connector renewed, unless the stored credentials changed meanwhile
        (a person reconnected the account): theirs win. Only the account id goes in the audit."""
        with self.sessions() as session:
            row = session.get(CredentialRow, account_id)
            if row is None or _fingerprint(self.vault.open(row.sealed)) != renewed_from:
                return False
            row.sealed = self.vault.seal(credentials)
            self._service(session).record(None, "credentials.refreshed", "account", account_id)
            session.commit()
            return True

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
            failed = select(PublicationRow.post_id).where(PublicationRow.state == "failed")
            rows = session.scalars(
                select(PostRow)
                .where(PostRow.state == PostState.SCHEDULED.value)
                .where(PostRow.id.not_in(failed))  # a refused post waits for a person
                .order_by(PostRow.scheduled_for, PostRow.id)
            )
            return [r.id for r in rows if r.scheduled_for is None or _utc(r.scheduled_for) <= now]

    def failed_posts(self) -> dict[str, list[tuple[str, str]]]:
        """Posts a platform refused for good: post id -> [(account id, reason)]."""
        with self.sessions() as session:
            rows = session.scalars(
                select(PublicationRow)
                .where(PublicationRow.state == "failed")
                .order_by(PublicationRow.post_id, PublicationRow.account_id)
            )
            failed: dict[str, list[tuple[str, str]]] = {}
            for row in rows:
                failed.setdefault(row.post_id, []).append((row.account_id, row.last_error or ""))
            return failed

    def retry_failed(self, post_id: str, actor: str) -> int:
        """After a person fixed the cause (a new token, a shorter text), let the post go again."""
        with self.sessions() as session:
            rows = session.scalars(
                select(PublicationRow).where(
                    PublicationRow.post_id == post_id, PublicationRow.state == "failed"
                )
            ).all()
            for row in rows:
                # attempts stays above zero, so the next attempt looks on the platform first.
                row.state = "pending"
            if rows:
                self._service(session).record(
                    actor, "publish.retry_requested", "post", post_id, accounts=len(rows)
                )
            session.commit()
            return len(rows)

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
            media = self._media(session, post.media_hashes)
            answering = _answered_items(session, post_id)
        published, failed, retry = [], [], []
        for account_id in targets:
            result = self._publish_one(
                post_id, accounts[account_id], text, media, answering.get(account_id)
            )
            if result is None:
                published.append(account_id)
            elif result[2]:
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

    def _media(self, session: Session, media_hashes: tuple[str, ...]) -> tuple[MediaItem, ...]:
        """The approved files, in order. The gate has just checked that each one is stored and
        scanned, and the content hash that the approval covers includes every file's hash."""
        items = []
        for media_id in media_hashes:
            row = session.get(MediaRow, media_id)
            if row is None:  # the gate refuses this first; kept as a guard
                raise ConnectorError("an attached file is missing from the store", retryable=False)
            items.append(MediaItem(self.vault.decrypt(row.data_sealed), row.media_type))
            if row.released_at is None:
                row.released_at = self.clock()
        if session.dirty:
            session.commit()  # released before any platform is told where to fetch it
        return tuple(items)

    def _publish_one(
        self,
        post_id: str,
        account: SocialAccount,
        text: str,
        media: tuple[MediaItem, ...] = (),
        reply_to: str | None = None,
    ) -> tuple[str, float | None, bool] | None:
        """None when published; otherwise (reason, retry after, retryable)."""
        with self.sessions() as session:
            row = session.get(PublicationRow, (post_id, account.id))
            assert row is not None
            if row.state == "published":
                return None
            if row.state != "pending":  # failed (waits for a person) or deleted (taken down)
                return f"not published: the account's publication is {row.state}", None, False
            now = self.clock()
            claimed = session.execute(
                update(PublicationRow)
                .where(
                    PublicationRow.post_id == post_id,
                    PublicationRow.account_id == account.id,
                    PublicationRow.state == "pending",
                    or_(
                        PublicationRow.claimed_until.is_(None),
                        PublicationRow.claimed_until <= now,
                    ),
                )
                .values(claimed_until=now + self.lease, attempts=PublicationRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                session.rollback()
                row = session.get(PublicationRow, (post_id, account.id))
                if row is not None and row.state == "published":
                    return None
                wait = self.lease.total_seconds()
                if row is not None and row.claimed_until is not None:
                    wait = max(1.0, (_utc(row.claimed_until) - now).total_seconds())
                return "another worker is publishing this post to this account", wait, True
            # `row` still holds the count from before this claim: above zero, an earlier attempt
            # may have reached the platform without its answer being recorded.
            interrupted = row.attempts > 0
            key = row.idempotency_key
            session.commit()  # the attempt is on record before the platform hears of it
        try:
            connector = self._connector(account)
            found = connector.find(key) if interrupted else None
            outcome = found or connector.publish(text, key, media, reply_to)
        except ConnectorError as error:
            with self.sessions() as session:
                row = session.get(PublicationRow, (post_id, account.id))
                assert row is not None
                row.last_error, row.claimed_until = str(error), None
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
            row.published_at, row.last_error, row.claimed_until = self.clock(), None, None
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
        """Delete the post from every platform it went to, recording the time per platform.

        Accounts not yet published to are withdrawn, so a post taken down part-way through its
        publication (some accounts done, others waiting on a retry) never reaches the rest later.
        An attempt that may have reached the platform unrecorded is looked up by its key first.
        """
        removed: dict[str, datetime] = {}
        with self.sessions() as session:
            service = self._service(session)
            # First, before any platform call: phigate itself stops serving the post's media to
            # platforms that fetch by URL (/published-media/), whatever happens next.
            for media_id in service.post(post_id).media_hashes:
                media = session.get(MediaRow, media_id)
                if media is not None:
                    media.released_at = None
            session.commit()
            accounts = {a.id: a for a in service.accounts()}
            rows = session.scalars(
                select(PublicationRow).where(PublicationRow.post_id == post_id)
            ).all()
            for row in rows:
                if row.state in ("deleted", "withdrawn"):
                    continue
                account = accounts[row.account_id]
                try:
                    connector = self._connector(account)
                    platform_id = row.platform_id
                    if row.state != "published" and row.attempts > 0:
                        found = connector.find(row.idempotency_key)
                        platform_id = found.platform_id if found else None
                    if platform_id is not None:
                        connector.delete(platform_id)
                except ConnectorError as error:
                    row.last_error = str(error)
                    service.record(
                        actor,
                        "takedown.failed",
                        "post",
                        post_id,
                        account=account.id,
                        retryable=error.retryable,
                    )
                    continue
                if platform_id is None:
                    row.state, row.claimed_until = "withdrawn", None
                    service.record(actor, "publish.withdrawn", "post", post_id, account=account.id)
                    continue
                row.state, row.deleted_at, row.claimed_until = "deleted", self.clock(), None
                removed[account.platform] = row.deleted_at
                service.record(actor, "takedown.done", "post", post_id, account=account.id)
            post = service.post(post_id)
            done = all(r.state in ("deleted", "withdrawn") for r in rows)
            if done and post.state is PostState.PUBLISHED:
                service._save(post.move(PostState.TAKEN_DOWN, actor, self.clock()))
            elif post.state in (PostState.SCHEDULED, PostState.APPROVED):
                # Part-published or not yet sent: back to review, so nothing goes out without a
                # person deciding again (the lifecycle has no scheduled -> taken_down step).
                service._save(
                    replace(post, approval=None).move(PostState.IN_REVIEW, actor, self.clock())
                )
                service.record(actor, "post.returned_to_review", "post", post_id, reason="TAKEDOWN")
            session.commit()
        return removed

    def publications(self, post_id: str) -> list[PublicationRow]:
        with self.sessions() as session:
            return list(
                session.scalars(select(PublicationRow).where(PublicationRow.post_id == post_id))
            )

    def connector_for(self, account: SocialAccount) -> Connector:
        """The account's signed-in connector, shared with the inbox poller."""
        return self._connector(account)

    def _credentials(self, account_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            row = session.get(CredentialRow, account_id)
            if row is None:
                raise ConnectorError("the account has no stored credentials", retryable=False)
            credentials: dict[str, Any] = self.vault.open(row.sealed)
            return credentials


@dataclass
class _SaveRenewed:
    """The `save` a connector gets: stores its renewed credentials and keeps the connector cached
    under them, so the next publish uses it instead of signing in again with spent tokens."""

    publisher: Publisher
    key: tuple[str, str]  # (account id, fingerprint of the credentials the connector holds)

    def __call__(self, credentials: dict[str, Any]) -> None:
        account_id, fingerprint = self.key
        connector = self.publisher._signed_in.pop(self.key, None)
        if not self.publisher._save_renewed(account_id, fingerprint, credentials):
            return  # the stored credentials are newer; the next publish connects with them
        self._cache_under(credentials, connector)

    def stored(self) -> dict[str, Any] | None:
        """What is stored now; the connector, about to use them, is cached under them."""
        try:
            credentials = self.publisher._credentials(self.key[0])
        except ConnectorError:  # removed meanwhile
            return None
        self._cache_under(credentials, self.publisher._signed_in.pop(self.key, None))
        return credentials

    def _cache_under(self, credentials: dict[str, Any], connector: Connector | None) -> None:
        self.key = (self.key[0], _fingerprint(credentials))
        if connector is not None:
            self.publisher._signed_in[self.key] = connector


def _fingerprint(credentials: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(credentials, sort_keys=True, default=str).encode()).hexdigest()


def _answered_items(session: Session, post_id: str) -> dict[str, str]:
    """Account id -> the platform id of the inbox item this post answers.

    A reply drafted in the inbox answers the comment on the account it came from; sent to any
    other account it has nothing to thread under there, so it goes out as a plain post.
    """
    rows = session.scalars(select(InboundRow).where(InboundRow.reply_post_id == post_id))
    return {row.account_id: row.external_id for row in rows if row.account_id is not None}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
