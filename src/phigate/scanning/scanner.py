"""The one entry point: scan a post or a reply and get findings, a verdict and a redacted text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.profile import EMPTY_PROFILE, OrganizationProfile
from phigate.scanning.recognizers import Candidate, Recognizer, default_recognizers
from phigate.scanning.report import Finding, ScanKind, ScanReport
from phigate.scanning.verdict import decide


class Scanner:
    """Holds the recognizers and the organization profile; reusable and thread-safe."""

    def __init__(
        self,
        profile: OrganizationProfile = EMPTY_PROFILE,
        recognizers: Sequence[Recognizer] | None = None,
    ) -> None:
        self.profile = profile
        self.recognizers = list(recognizers) if recognizers is not None else default_recognizers()

    def scan(
        self,
        text: str,
        kind: ScanKind | str = ScanKind.POST,
        in_reply_to: str | None = None,
    ) -> ScanReport:
        kind = ScanKind(kind)
        doc, candidates = self._candidates(text, kind, in_reply_to)
        decision = decide(doc, candidates)
        mentions = [(c, c in decision.linked) for c in decision.kept]
        return ScanReport(text, kind, decision.verdict, decision.reasons, _findings(doc, mentions))

    def detect(
        self,
        text: str,
        kind: ScanKind | str = ScanKind.POST,
        in_reply_to: str | None = None,
    ) -> tuple[Finding, ...]:
        """Every identifier the recognizers find, whether or not the text ties it to a patient.

        `scan` reports only what is PHI in context; this is the raw inventory, for exports that
        must lose every identifier (a data set leaving the building) and for measuring recall.
        `patient_linked` says which of them `scan` would report as tied to a patient.
        """
        kind = ScanKind(kind)
        doc, candidates = self._candidates(text, kind, in_reply_to)
        linked = decide(doc, candidates).linked
        return _findings(doc, [(c, c in linked) for c in candidates])

    def _candidates(
        self, text: str, kind: ScanKind, in_reply_to: str | None
    ) -> tuple[Document, list[Candidate]]:
        doc = Document.from_text(text, kind, self.profile, in_reply_to)
        found = [c for recognizer in self.recognizers for c in recognizer.find(doc)]
        # A confirming clause is judged as a whole; the names and dates inside it stand on their own.
        clauses = [c for c in found if c.type is IdentifierType.CONFIRMS_PATIENT]
        return doc, clauses + _resolve_overlaps(
            [c for c in found if c.type is not IdentifierType.CONFIRMS_PATIENT]
        )


def _findings(doc: Document, mentions: list[tuple[Candidate, bool]]) -> tuple[Finding, ...]:
    mentions = mentions + _repeated_mentions(doc, mentions)
    return tuple(
        _to_finding(doc, c, linked)
        for c, linked in sorted(mentions, key=lambda m: (m[0].start, m[0].end))
    )


def _to_finding(doc: Document, candidate: Candidate, linked: bool) -> Finding:
    start, end = doc.source.original_span(candidate.start, candidate.end)
    return Finding(candidate.type, start, end, candidate.score, candidate.reason, linked)


def _repeated_mentions(
    doc: Document, kept: list[tuple[Candidate, bool]]
) -> list[tuple[Candidate, bool]]:
    """Flag every other whole occurrence of a flagged value, so the redacted text cannot leak it."""
    taken = [(c.start, c.end) for c, _ in kept]
    extra: list[tuple[Candidate, bool]] = []
    for candidate, linked in kept:
        value = doc.text[candidate.start : candidate.end]
        if candidate.type is IdentifierType.CONFIRMS_PATIENT or len(value.strip()) < 2:
            continue
        for match in re.finditer(re.escape(value), doc.text):
            if not _whole_occurrence(doc, match.start(), match.end()):
                continue
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            repeat = Candidate(
                candidate.type, match.start(), match.end(), candidate.score, candidate.reason
            )
            extra.append((repeat, linked))
    return extra


def _whole_occurrence(doc: Document, start: int, end: int) -> bool:
    """A word on its own, in the clean text or in the original: a zero-width space removed by
    normalization still separates words for a reader ("0000\u200bMr" shows "Mr" on its own)."""
    text, original = doc.text, doc.source.original
    if not _word_char(text, start - 1) and not _word_char(text, end):
        return True
    first, last = doc.source.original_span(start, end)
    return not _word_char(original, first - 1) and not _word_char(original, last)


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _WORD_CHAR.match(text[index]) is not None


_WORD_CHAR = re.compile(r"\w")


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the most certain of overlapping candidates, then the longer one.

    A precise identifier (a room number, a date) inside a long descriptive phrase wins, so that
    it is judged on its own terms; the phrase is a weaker, vaguer signal.
    """
    ranked = sorted(
        candidates, key=lambda c: (not c.inherent, -c.score, -(c.end - c.start), c.start)
    )
    kept: list[Candidate] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or k.end <= candidate.start for k in kept):
            kept.append(candidate)
    return kept


_DEFAULT: Scanner | None = None


def scan(
    text: str,
    kind: ScanKind | str = ScanKind.POST,
    in_reply_to: str | None = None,
    profile: OrganizationProfile | None = None,
) -> ScanReport:
    """Scan with the default recognizers; pass a profile to exempt the organization's own details."""
    global _DEFAULT
    if profile is not None:
        return Scanner(profile).scan(text, kind, in_reply_to)
    if _DEFAULT is None:
        _DEFAULT = Scanner()
    return _DEFAULT.scan(text, kind, in_reply_to)
