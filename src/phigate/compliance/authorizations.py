"""Patient authorizations, 45 CFR 164.508: what a valid one holds and every way one can fail.

A post may identify a patient only under a valid written authorization (164.508(a)(1)); its
validity is computed, never assumed, each time a post is checked: an authorization that was valid
at approval may have expired or been revoked by publishing time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from phigate.compliance.rules import Finding

_508 = "45 CFR 164.508"


class InformationItem(StrEnum):
    """What the patient agreed may be shown (AUTH-C1): specific, never 'all records'."""

    FULL_NAME = "full_name"
    FIRST_NAME = "first_name"
    PHOTO = "photo"
    VIDEO = "video"
    VOICE = "voice"
    STORY = "story"
    CONDITION = "condition"
    PROCEDURE = "procedure"
    AGE = "age"
    DATES = "dates"
    LOCATION = "location"
    QUOTE = "quote"


class ContentKind(StrEnum):
    POST = "post"
    PHOTO = "photo"
    VIDEO = "video"
    STORY = "story"
    REPLY = "reply"


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime
    received_by: str  # person id of the staff member who received the written revocation
    method: str  # "letter", "email", "portal message", ... (164.508(b)(5): in writing, any form)


@dataclass(frozen=True)
class Authorization:
    id: str
    patient_id: str
    # 164.508(c)(1)(i): a specific and meaningful description of the information
    information_description: str
    information_items: frozenset[InformationItem]
    # (c)(1)(ii) and (iii): who discloses, who receives
    disclosing_party: str
    recipients: str
    # (c)(1)(iv): each purpose
    purposes: tuple[str, ...]
    # (c)(1)(v): an expiration date or an expiration event
    expires_on: date | None
    expiration_event: str | None
    expiration_event_occurred: bool
    # (c)(1)(vi): signature and date; a representative's authority
    signed_by: str
    signed_on: date | None
    signer_is_representative: bool
    representative_authority: str | None
    # (c)(2): the required statements
    states_right_to_revoke: bool
    states_conditioning: bool
    states_redisclosure: bool
    # (a)(3): marketing, and a third party paying for it
    marketing: bool
    third_party_remuneration: bool
    remuneration_statement: str | None
    # (b)(3): a social media authorization must stand alone, not ride in an intake packet or NDA
    standalone_document: bool
    # Scope: where and in what form the patient agreed to appear
    platforms: frozenset[str]
    content_kinds: frozenset[ContentKind]
    copy_given_on: date | None = None  # (c)(4): a copy of the signed form to the individual
    known_false: bool = False  # (b)(2)(v): the organization knows material information is false
    revocation: Revocation | None = None
    form_sha256: str | None = None  # the stored signed form

    def revoke(self, revocation: Revocation) -> Authorization:
        """Revocation takes effect at once (164.508(b)(5)); the record keeps when and how."""
        if self.revocation is not None:
            return self
        return replace(self, revocation=revocation)


_VAGUE = re.compile(
    r"^\s*(?:all|any|entire|complete|everything)\b|\ball\s+(?:records|information|phi)\b"
    r"|\bany\s+(?:and\s+all\s+)?(?:records|information)\b",
    re.IGNORECASE,
)


def _missing(code: str, what: str, citation: str) -> Finding:
    return Finding(code, f"The authorization does not state {what}.", f"{_508}{citation}")


def check_validity(
    auth: Authorization,
    *,
    today: date,
    platform: str | None = None,
    content_kinds: frozenset[ContentKind] = frozenset(),
    information: frozenset[InformationItem] = frozenset(),
) -> list[Finding]:
    """Every defect, by name. Empty means valid for this use (164.508(b)(1)-(2))."""
    defects: list[Finding] = []
    if not auth.information_description.strip() and not auth.information_items:
        defects.append(_missing("MISSING_INFORMATION", "what information may be used", "(c)(1)(i)"))
    elif _VAGUE.search(auth.information_description) and not auth.information_items:
        defects.append(
            Finding(
                "VAGUE_INFORMATION",
                "The description of the information is not specific ('all records' is not "
                "allowed); list what may be shown: name, photo, story, condition...",
                f"{_508}(c)(1)(i)",
            )
        )
    if not auth.disclosing_party.strip():
        defects.append(
            _missing("MISSING_DISCLOSER", "who may disclose the information", "(c)(1)(ii)")
        )
    if not auth.recipients.strip():
        defects.append(_missing("MISSING_RECIPIENT", "who may receive it", "(c)(1)(iii)"))
    if not any(p.strip() for p in auth.purposes):
        defects.append(_missing("MISSING_PURPOSE", "the purpose of the disclosure", "(c)(1)(iv)"))
    if auth.expires_on is None and not (auth.expiration_event or "").strip():
        defects.append(_missing("MISSING_EXPIRATION", "an expiration date or event", "(c)(1)(v)"))
    if not auth.signed_by.strip() or auth.signed_on is None:
        defects.append(
            Finding("UNSIGNED", "The authorization is not signed and dated.", f"{_508}(c)(1)(vi)")
        )
    if auth.signer_is_representative and not (auth.representative_authority or "").strip():
        defects.append(
            _missing(
                "MISSING_REPRESENTATIVE_AUTHORITY",
                "the personal representative's authority to sign (parent, guardian, power of "
                "attorney...)",
                "(c)(1)(vi)",
            )
        )
    if not auth.states_right_to_revoke:
        defects.append(
            _missing("MISSING_REVOCATION_STATEMENT", "the right to revoke in writing", "(c)(2)(i)")
        )
    if not auth.states_conditioning:
        defects.append(
            _missing(
                "MISSING_CONDITIONING_STATEMENT",
                "that care is not conditioned on signing",
                "(c)(2)(ii)",
            )
        )
    if not auth.states_redisclosure:
        defects.append(
            _missing(
                "MISSING_REDISCLOSURE_STATEMENT",
                "that shared information may be redisclosed and no longer protected",
                "(c)(2)(iii)",
            )
        )
    if (
        auth.marketing
        and auth.third_party_remuneration
        and not (auth.remuneration_statement or "").strip()
    ):
        defects.append(
            Finding(
                "MARKETING_REMUNERATION_NOT_STATED",
                "A third party pays for this marketing, but the authorization does not say that "
                "remuneration is involved.",
                f"{_508}(a)(3)(ii)",
            )
        )
    if not auth.standalone_document:
        defects.append(
            Finding(
                "COMPOUND_AUTHORIZATION",
                "The authorization is combined with another document (intake packet, NDA); it must "
                "stand alone.",
                f"{_508}(b)(3) and {_508}(b)(2)(iv)",
            )
        )
    if auth.signed_on is not None and auth.signed_on > today:
        defects.append(
            Finding("SIGNED_IN_FUTURE", "The signature date is in the future.", f"{_508}(c)(1)(vi)")
        )
    if auth.expires_on is not None and today > auth.expires_on:
        defects.append(
            Finding(
                "EXPIRED",
                f"The authorization expired on {auth.expires_on.isoformat()}.",
                f"{_508}(b)(2)(i)",
            )
        )
    if auth.expiration_event_occurred:
        defects.append(
            Finding(
                "EXPIRATION_EVENT_OCCURRED",
                "Its expiration event has occurred.",
                f"{_508}(b)(2)(i)",
            )
        )
    if auth.revocation is not None:
        defects.append(
            Finding(
                "REVOKED",
                f"The patient revoked the authorization on {auth.revocation.revoked_at.date().isoformat()}.",
                f"{_508}(b)(2)(iii) and {_508}(b)(5)",
            )
        )
    if auth.known_false:
        defects.append(
            Finding(
                "KNOWN_FALSE",
                "Material information in the authorization is known to be false.",
                f"{_508}(b)(2)(v)",
            )
        )
    if platform is not None and platform.lower() not in {p.lower() for p in auth.platforms}:
        defects.append(
            Finding(
                "SCOPE_PLATFORM",
                f"The authorization does not cover {platform}; it names "
                f"{', '.join(sorted(auth.platforms)) or 'no platform'}.",
                f"{_508}(c)(1)(iii)",
            )
        )
    uncovered = content_kinds - auth.content_kinds
    if uncovered:
        defects.append(
            Finding(
                "SCOPE_CONTENT",
                f"The authorization does not cover {', '.join(sorted(uncovered))} content.",
                f"{_508}(c)(1)(i)",
            )
        )
    not_agreed = information - auth.information_items
    if not_agreed:
        defects.append(
            Finding(
                "SCOPE_INFORMATION",
                f"The post shows {', '.join(sorted(not_agreed))}, which the patient did not agree to.",
                f"{_508}(c)(1)(i)",
            )
        )
    return defects


@dataclass(frozen=True)
class Expiring:
    authorization_id: str
    expires_on: date
    days_left: int


def expiring(
    authorizations: list[Authorization], today: date, within_days: int = 30
) -> list[Expiring]:
    found = []
    for auth in authorizations:
        if auth.revocation is None and auth.expires_on is not None:
            days = (auth.expires_on - today).days
            if 0 <= days <= within_days:
                found.append(Expiring(auth.id, auth.expires_on, days))
    return sorted(found, key=lambda e: e.days_left)


@dataclass(frozen=True)
class RevocationEffect:
    """What a revocation changes at once: posts to stop, and live posts to take down."""

    blocked_post_ids: tuple[str, ...] = field(default_factory=tuple)
    takedown_post_ids: tuple[str, ...] = field(default_factory=tuple)
