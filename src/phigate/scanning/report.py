"""What a scan returns: findings, a verdict with its reasons, and a redacted suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from phigate.scanning.identifiers import CATEGORY, PLACEHOLDER, IdentifierType, SafeHarborCategory


class Verdict(StrEnum):
    BLOCK = "block"  # an identifier tied to a patient or to their care
    REVIEW = "review"  # something identifying whose link to a patient a person must judge
    ALLOW = "allow"


class ScanKind(StrEnum):
    POST = "post"
    REPLY = "reply"


@dataclass(frozen=True, slots=True)
class Finding:
    """One identifier found in the text; `start`/`end` are offsets into the text as given."""

    type: IdentifierType
    start: int
    end: int
    score: float
    reason: str
    patient_linked: bool

    @property
    def category(self) -> SafeHarborCategory:
        return CATEGORY[self.type]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "type": self.type.value,
            "score": round(self.score, 3),
            "category": self.category.citation,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ScanReport:
    text: str
    kind: ScanKind
    verdict: Verdict
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def redacted(self) -> str:
        return redact(self.text, self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The report without the original text, safe to store beside the post id."""
        return {
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "findings": [f.to_dict() for f in self.findings],
            "redacted": self.redacted,
        }


def redact(text: str, findings: tuple[Finding, ...] | list[Finding]) -> str:
    """Replace every finding with its typed placeholder; overlapping findings merge into one."""
    pieces: list[str] = []
    cursor = 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.end <= cursor:
            continue
        start = max(finding.start, cursor)
        pieces.append(text[cursor:start])
        pieces.append(PLACEHOLDER[finding.type] if start == finding.start else "")
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)
