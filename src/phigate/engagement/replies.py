"""The reply assistant: drafts that thank, never confirm any relationship, and move the conversation
to a private channel with the organization's own contact details.

The OCR settlements with practices that answered reviews (domain notes CASE-01 to CASE-04) all began
with a reply that confirmed the reviewer was a patient. Every draft here is checked by the scanner in
reply mode before it is offered; a draft that would not pass is never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from phigate.scanning import ScanKind, Scanner, ScanReport, Verdict
from phigate.scanning.profile import OrganizationProfile


class Tone(StrEnum):
    PRAISE = "praise"
    COMPLAINT = "complaint"
    QUESTION = "question"
    NEUTRAL = "neutral"


_NEGATIVE = re.compile(
    r"\b(?:worst|terrible|awful|rude|never\s+again|waited|wait(?:ing)?\s+(?:for|time)|disappoint\w*|"
    r"horrible|unprofessional|overcharged|bill(?:ed|ing)?|refund|complain\w*|angry|upset|lawsuit|sue|"
    r"report(?:ing)?\s+you|1\s*star|one\s+star)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:thank|thanks|amazing|great|best|wonderful|kind|caring|love|excellent|awesome|grateful|"
    r"recommend|5\s*stars?|five\s+stars?)\b",
    re.IGNORECASE,
)


def tone_of(comment: str) -> Tone:
    if _NEGATIVE.search(comment):
        return Tone.COMPLAINT
    if "?" in comment:
        return Tone.QUESTION
    if _POSITIVE.search(comment):
        return Tone.PRAISE
    return Tone.NEUTRAL


@dataclass(frozen=True)
class Draft:
    text: str
    tone: Tone
    report: ScanReport


def contact_line(profile: OrganizationProfile) -> str:
    phone = profile.phones[0] if profile.phones else None
    email = profile.emails[0] if profile.emails else None
    if phone and email:
        return f"call us at {phone} or email {email}"
    if phone:
        return f"call us at {phone}"
    if email:
        return f"email {email}"
    return "send us a private message"


def _templates(tone: Tone, contact: str, name: str) -> list[str]:
    team = "our team"
    if tone is Tone.PRAISE:
        return [
            f"Thank you for the kind words! We'll share them with {team}.",
            f"Thank you so much for taking the time to write. It means a lot to {team}.",
        ]
    if tone is Tone.COMPLAINT:
        return [
            "Thank you for sharing this, and we're sorry to hear you're frustrated. To protect "
            f"everyone's privacy we don't discuss details here; please {contact} so we can listen "
            "and help directly.",
            "We take feedback like this seriously. Privacy rules keep us from discussing specifics "
            f"online, but we'd like to talk: please {contact}.",
        ]
    if tone is Tone.QUESTION:
        return [
            f"Thanks for asking! For anything about a specific situation, please {contact} and our "
            "team will help privately.",
        ]
    return [f"Thank you for reaching out! If there is anything we can help with, please {contact}."]


def draft_replies(
    comment: str, profile: OrganizationProfile, scanner: Scanner | None = None
) -> list[Draft]:
    """Drafts for a comment or review, each one already passing the scanner in reply mode."""
    scanner = scanner or Scanner(profile)
    tone = tone_of(comment)
    name = ""
    drafts = []
    for text in _templates(tone, contact_line(profile), name):
        report = scanner.scan(text, ScanKind.REPLY, comment)
        if report.verdict is Verdict.ALLOW:
            drafts.append(Draft(text, tone, report))
    return drafts


def self_disclosure(comment: str, scanner: Scanner) -> ScanReport:
    """What the commenter revealed about themselves. Flagged for staff so that nobody answers in kind:
    the commenter may disclose their own care; the organization may not confirm it."""
    return scanner.scan(comment, ScanKind.POST)
