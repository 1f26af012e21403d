"""Identification by circumstance, Safe Harbor (R) and the actual-knowledge test of 164.514(b)(2)(ii).

No name is needed when the community can tell who is meant: the first baby of the year, the only
measles case in a small town, the lighthouse keeper, the bus driver from yesterday's crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_AGE_PHRASE = r"(?:\d{1,3}-(?:year|month|week|day)-old\s+)"
_OCCUPATIONS = (
    r"(?:firefighter|marathoner|lighthouse\s+keeper|pitcher|goalie|point\s+guard|quarterback|"
    r"lineman|linebacker|deputy|sheriff|bus\s+driver|driver|ferry\s+captain|captain|pastry\s+chef|"
    r"chef|rancher|farmer|fisherman|schoolteacher|teacher|principal|councilman|councilwoman|"
    r"mayor|pastor|priest|coach|hikers?|climber|cyclist|motorcyclist|trucker|pilot|veteran|"
    r"owner\s+of\s+[A-Z][\w']*(?:\s+[A-Z][\w']*)*|new\s+mother|mother\s+of\s+\w+|father\s+of\s+\w+|"
    r"teenager|teen|boy|girl|man|woman|guy|kid|lady|baby\s+girl|baby\s+boy|student|senior|"
    r"athlete|swimmer|runner|dancer|singer|musician|officer|nurse|doctor)"
)
_PATTERNS: list[tuple[re.Pattern[str], float, str]] = [
    (
        re.compile(
            r"\b(?:our\s+|the\s+|its\s+)?(?:very\s+)?(?:first|youngest|oldest|only|last)(?:-ever)?\s+"
            r"(?:baby|babies|patient|participant|case|set\s+of\s+\w+|heart\s+transplant\s+recipient|"
            r"[\w-]+\s+(?:recipient|patient|case))"
            r"(?:\s+of\s+the\s+(?:year|season)|\s+born\s+at\s+[\w.'’ ]+?(?=\s+[—-]|[,.!])|\s+this\s+year)?",
            re.IGNORECASE,
        ),
        0.8,
        "A 'first', 'only' or 'youngest' patient is one specific, findable person.",
    ),
    (
        re.compile(
            rf"\b(?:the|a|an)\s+{_AGE_PHRASE}?(?:(?:retired|local|star|starting|young|old|elderly|"
            rf"teenage|little)\s+)*{_OCCUPATIONS}\b"
            r"(?:\s+(?:who|from|brought|rescued|at|on|in|down)\b(?:\s+(?!with\b|and\b)[^\s.!?;:—,]+){1,9})?",
        ),
        0.6,
        "A description (occupation, age, event) that lets people who know them tell who it is.",
    ),
    (
        re.compile(
            r"\b(?:the|a|an)\s+(?:city\s+)?(?:mayor|councilman|councilwoman|senator|governor|"
            r"sheriff|pastor|principal|coach)['’]s\s+(?:\d+\s+)?\w+",
            re.IGNORECASE,
        ),
        0.8,
        "A well-known person's relative is identified through them.",
    ),
    (
        re.compile(r"\b[A-Z][\w]+['’]s\s+(?:#\d{1,2}|point\s+guard|starting\s+\w+|star\s+\w+)"),
        0.8,
        "A team position or jersey number identifies the player.",
    ),
    (
        re.compile(r"\bconjoined\s+twin\s+\w+|\b(?:twins|triplets|quadruplets)\s+born\b", re.I),
        0.7,
        "A rare event identifies the family.",
    ),
    (
        re.compile(
            r"\ba\s+['‘\"][^'’\"]{2,40}['’\"]\s+(?:\w+\s+){0,2}tattoo(?:\s+with\s+[^.!?]*)?", re.I
        ),
        0.8,
        "A distinctive tattoo is a comparable image under Safe Harbor (Q)/(R).",
    ),
]


class CircumstanceRecognizer(Recognizer):
    types = (IdentifierType.OTHER_ID,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for pattern, score, reason in _PATTERNS:
            for match in pattern.finditer(doc.text):
                end = match.end()
                text = doc.text[match.start() : end].rstrip(" ,")
                yield Candidate(
                    IdentifierType.OTHER_ID, match.start(), match.start() + len(text), score, reason
                )
