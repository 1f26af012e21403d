"""Ages over 89, Safe Harbor (C), 45 CFR 164.514(b)(2)(i)(C).

Ages 89 and under may stay; every age over 89 must go (or be shown as "90 or older"), because so
few people are that old that the age alone narrows the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_AGE = r"(?P<age>9\d|1[0-2]\d)"
_PATTERNS = [
    re.compile(rf"\b{_AGE}(?=[-\s]?(?:years?|yrs?)[-\s]?old\b|\s*(?:yo|y/o|y\.o\.)\b)", re.I),
    re.compile(
        rf"\b(?:turns|turned|is|was|aged|age|at)\s{_AGE}\b(?![.,]\d|\s*%|\s*(?:min|lb|kg|°))"
    ),
    re.compile(rf"\({_AGE}\)"),
    re.compile(rf"[A-Za-z], {_AGE}(?=[,.;!]|\s+(?:and|who|years))"),
    re.compile(rf"\b{_AGE}(?:st|nd|rd|th|e|ème)(?=\s+(?:birthday|anniversaire|cumpleaños))", re.I),
    re.compile(rf"\bcumplió\s{_AGE}\s+años"),
    re.compile(rf"\b{_AGE}\s+ans\b"),
]
_NOT_A_PERSON = re.compile(r"(?:hospital|center|clinic|anniversary|years?\s+(?:at|of|in)\b)", re.I)


class AgeRecognizer(Recognizer):
    types = (IdentifierType.AGE,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        seen: set[int] = set()
        for pattern in _PATTERNS:
            for match in pattern.finditer(doc.text):
                start, end = match.span("age")
                if start in seen:
                    continue
                after = doc.text[end : end + 30]
                if _NOT_A_PERSON.match(after.lstrip("-stndrh ")):
                    continue
                seen.add(start)
                yield Candidate(
                    IdentifierType.AGE,
                    start,
                    end,
                    0.85,
                    "An age over 89 must be removed or shown as '90 or older'.",
                )
