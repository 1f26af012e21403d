"""From candidates to a verdict: which identifiers are tied to a patient or to care."""

from __future__ import annotations

from dataclasses import dataclass

from phigate.scanning.document import Document
from phigate.scanning.recognizers import Candidate
from phigate.scanning.report import Verdict


@dataclass(frozen=True)
class Decision:
    kept: list[Candidate]
    linked: list[Candidate]
    verdict: Verdict
    reasons: tuple[str, ...]


def decide(doc: Document, candidates: list[Candidate]) -> Decision:
    linked = [c for c in candidates if c.inherent]
    if linked:
        verdict = Verdict.BLOCK
    elif candidates:
        verdict = Verdict.REVIEW
    else:
        verdict = Verdict.ALLOW
    reasons = tuple(
        f"{c.reason} ({c.type.value}, Safe Harbor {c.type.value})" for c in candidates
    )
    return Decision(candidates, linked, verdict, reasons)
