"""Signing in: argon2id passwords, TOTP for the roles that approve, throttling and lockout, and
hashed, scoped, revocable API tokens. Failures say "wrong email or password" whatever the cause,
so that the sign-in page does not reveal who has an account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from phigate.compliance.people import Person, Role
from phigate.service import ComplianceService, OperationError, _aware, _person, new_id
from phigate.storage.models import ApiTokenRow, PersonRow

MFA_ROLES = frozenset({Role.REVIEWER, Role.PRIVACY_OFFICER, Role.ADMIN})
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
SCOPES = frozenset({"scan", "read", "write", "review"})  # review: approve or reject posts
_hasher = PasswordHasher()  # argon2id with the library's recommended cost


class SignInError(ValueError):
    """Sign-in refused; the message is safe to show on the sign-in page."""


@dataclass(frozen=True)
class TokenIdentity:
    person: Person
    scopes: frozenset[str]
    token_id: str


def needs_mfa(person: Person) -> bool:
    return bool(person.roles & MFA_ROLES)


def set_password(service: ComplianceService, person_id: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise OperationError(f"a password needs at least {MIN_PASSWORD} characters")
    row = _row(service, person_id)
    row.password_hash = _hasher.hash(password)
    service.record(person_id, "password.set", "person", person_id)


def enroll_totp(service: ComplianceService, person_id: str) -> str:
    """A new TOTP secret, stored encrypted; returns the provisioning URI for an authenticator app."""
    row = _row(service, person_id)
    secret = pyotp.random_base32()
    row.totp_sealed = service.vault.encrypt(secret.encode("ascii"))
    service.record(person_id, "totp.enrolled", "person", person_id)
    return pyotp.TOTP(secret).provisioning_uri(name=row.email, issuer_name="phigate")


def totp_secret(service: ComplianceService, person_id: str) -> str | None:
    row = _row(service, person_id)
    return service.vault.decrypt(row.totp_sealed).decode("ascii") if row.totp_sealed else None


def sign_in(service: ComplianceService, email: str, password: str, code: str | None) -> Person:
    now = service.clock()
    row = service.session.scalars(
        select(PersonRow).where(PersonRow.email == email.strip().lower())
    ).first()
    if row is None or not row.active or row.password_hash is None:
        _hasher.hash(password)  # the same time spent either way: no account enumeration by timing
        service.record(None, "login.failed", "person", "unknown")
        raise SignInError("wrong email or password")
    locked = _aware(row.locked_until)
    if locked is not None and locked > now:
        service.record(row.id, "login.locked", "person", row.id)
        raise SignInError(
            f"too many failed attempts: try again after {locked.astimezone(UTC):%H:%M} UTC"
        )
    try:
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        _failure(service, row, now)
        raise SignInError("wrong email or password") from None
    person = _person(row)
    if needs_mfa(person):
        secret = totp_secret(service, row.id)
        if secret is None:
            raise SignInError("your role requires two-factor sign-in: ask an admin to enroll you")
        if not code or not pyotp.TOTP(secret).verify(code.strip(), valid_window=1, for_time=now):
            _failure(service, row, now)
            raise SignInError("the two-factor code is wrong or expired")
    row.failed_logins = 0
    row.locked_until = None
    service.record(row.id, "login.succeeded", "person", row.id)
    return person


def _failure(service: ComplianceService, row: PersonRow, now: datetime) -> None:
    row.failed_logins = (row.failed_logins or 0) + 1
    if row.failed_logins >= MAX_FAILURES:
        row.locked_until = now + LOCKOUT
        row.failed_logins = 0
        service.record(row.id, "login.lockout", "person", row.id)
    else:
        service.record(row.id, "login.failed", "person", row.id)


def create_token(service: ComplianceService, person_id: str, name: str, scopes: set[str]) -> str:
    unknown = scopes - SCOPES
    if unknown or not scopes:
        raise OperationError(
            f"scopes are {', '.join(sorted(SCOPES))}; got {', '.join(sorted(scopes)) or 'none'}"
        )
    token = "phg_" + secrets.token_urlsafe(32)
    token_id = new_id("tok")
    service.session.add(
        ApiTokenRow(
            id=token_id, person_id=person_id, name=name, token_sha256=_digest(token),
            scopes=",".join(sorted(scopes)), created_at=service.clock(),
        )
    )  # fmt: skip
    service.record(person_id, "token.created", "token", token_id, scopes=sorted(scopes))
    return token


def revoke_token(service: ComplianceService, token_id: str, actor: str) -> None:
    row = service.session.get(ApiTokenRow, token_id)
    if row is None:
        raise OperationError(f"no token with id {token_id}")
    row.revoked_at = service.clock()
    service.record(actor, "token.revoked", "token", token_id)


def identify_token(service: ComplianceService, token: str) -> TokenIdentity | None:
    row = service.session.scalars(
        select(ApiTokenRow).where(ApiTokenRow.token_sha256 == _digest(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    person = service.person(row.person_id)
    if not person.active:
        return None
    return TokenIdentity(person, frozenset(row.scopes.split(",")), row.id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row(service: ComplianceService, person_id: str) -> PersonRow:
    row = service.session.get(PersonRow, person_id)
    if row is None:
        raise OperationError(f"no person with id {person_id}")
    return row
