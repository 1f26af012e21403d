"""Tables. Columns that can hold patient data or post text are encrypted blobs (`*_sealed`); the
plain columns are ids, states, dates and types that the gate and reports need to query."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Role values
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # argon2id
    totp_sealed: Mapped[bytes | None] = mapped_column(
        LargeBinary, nullable=True
    )  # encrypted secret
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiTokenRow(Base):
    """API tokens are shown once; only their SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # comma-separated: scan, read, write, review
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TrainingRow(Base):
    __tablename__ = "training_completions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    completed_on: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    attested_policy_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    __table_args__ = (UniqueConstraint("person_id", "course_id", "completed_on"),)


class AccountRow(Base):
    __tablename__ = "social_accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    handle: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)


class PostingRightRow(Base):
    __tablename__ = "posting_rights"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("social_accounts.id"), primary_key=True)


class PatientRow(Base):
    __tablename__ = "patients"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    details_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # name, contact: encrypted JSON


class AuthorizationRow(Base):
    __tablename__ = "authorizations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    record_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # every 164.508(c) element
    form_sealed: Mapped[bytes | None] = mapped_column(
        LargeBinary, nullable=True
    )  # signed PDF/image
    form_media_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PostRow(Base):
    __tablename__ = "posts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    content_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # text and media hashes
    content_hash: Mapped[str] = mapped_column(String(64))
    account_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    authorization_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    approved_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    scan_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    scan_verdict: Mapped[str | None] = mapped_column(String(10), nullable=True)
    scan_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchorRow(Base):
    """The last entry removed by a retention purge, so the chain still verifies from there."""

    __tablename__ = "audit_anchor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class IncidentRow(Base):
    """The incident record is sealed: its summary and notes may describe what was disclosed."""

    __tablename__ = "incidents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str] = mapped_column(String(30))
    discovered_on: Mapped[date] = mapped_column(Date, index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class InboundRow(Base):
    """A comment, mention or review from the public; its author and text are sealed."""

    __tablename__ = "inbound_items"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # new, replied, dismissed
    self_disclosure: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosed_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reply_post_id: Mapped[str | None] = mapped_column(ForeignKey("posts.id"), nullable=True)
    content_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The connected account it was fetched from (None when imported from an export file).
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("social_accounts.id"), nullable=True, index=True
    )
    __table_args__ = (UniqueConstraint("platform", "external_id"),)


class FetchCursorRow(Base):
    """How far the inbox has read each connected account, so a poll fetches only what is new."""

    __tablename__ = "fetch_cursors"
    account_id: Mapped[str] = mapped_column(ForeignKey("social_accounts.id"), primary_key=True)
    fetched_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    polled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class MediaRow(Base):
    """An image or video attached to a post. The file, its name and its scan report are sealed:
    a photograph of a patient is PHI. Identified by the SHA-256 of the file, which is what a
    post's content hash covers."""

    __tablename__ = "media"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the bytes
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    report_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(10), nullable=True)  # allow, review, block
    finding_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    scan_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set when a publisher first sends the file out: platforms that download media by URL
    # (Instagram) may then fetch it from /published-media/ for a limited time.
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CredentialRow(Base):
    """A social account's credentials (tokens, app passwords), sealed."""

    __tablename__ = "account_credentials"
    account_id: Mapped[str] = mapped_column(ForeignKey("social_accounts.id"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class PublicationRow(Base):
    """One post on one account: written before the platform call, completed after it, so a crash
    in between is reconciled rather than published twice."""

    __tablename__ = "publications"
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("social_accounts.id"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # pending, published, failed, deleted
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    platform_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # A worker claims the row until this moment before it calls the platform; a second worker (a
    # redelivered task, the next minute's scheduler run) waits instead of publishing in parallel.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
