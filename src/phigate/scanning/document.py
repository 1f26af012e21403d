"""The text under scan, as every recognizer sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from phigate.scanning.normalize import NormalizedText, normalize
from phigate.scanning.profile import OrganizationProfile
from phigate.scanning.report import ScanKind

_WORD = re.compile(r"[#@]?[\w][\w'’.\-]*\w|[#@]?\w", re.UNICODE)
# Sentence ends, except after titles and initials ("Dr. Brooks", "Mr. J.R. Lee").
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.)(?<!\b(?:Dr|Mr|Ms|St|Jr|Sr|vs|Rd|Ln|Ft|Mt|Lt)\.)"
    r"(?<!\b(?:Mrs|Sra|Rev|Ave|Apt|Aug|Feb|Jan|Mar|Apr|Jun|Jul|Sep|Oct|Nov|Dec|etc)\.)"
    r"(?<=[.!?…])\s+|\n+|(?<=[\U0001F300-\U0001FAFF])\s+|\s+•\s*"
)


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str


@dataclass
class Document:
    """Normalized text plus what recognizers share: the words, sentences and the profile."""

    source: NormalizedText
    kind: ScanKind
    profile: OrganizationProfile
    in_reply_to: NormalizedText | None = None
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @classmethod
    def from_text(
        cls,
        text: str,
        kind: ScanKind,
        profile: OrganizationProfile,
        in_reply_to: str | None = None,
    ) -> Document:
        comment = normalize(in_reply_to) if in_reply_to else None
        return cls(normalize(text), kind, profile, comment)

    @property
    def text(self) -> str:
        return self.source.clean

    @property
    def lower(self) -> str:
        return self.source.lower

    @cached_property
    def words(self) -> list[Word]:
        return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.text)]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans, split on end punctuation, line breaks and emoji that end a thought."""
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            if match.start() > start:
                spans.append((start, match.start()))
            start = match.end()
        if start < len(self.text):
            spans.append((start, len(self.text)))
        # Emoji-only fragments ("💉🦸") are not sentences; they would cut a thought in two.
        return [(s, e) for s, e in spans if any(c.isalpha() for c in self.text[s:e])]

    def sentence_at(self, position: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= position < end:
                return start, end
        return 0, len(self.text)
