"""Telephone and fax numbers, Safe Harbor (D) and (E), 45 CFR 164.514(b)(2)(i)(D)-(E).

libphonenumber finds numbers in any format; seven-digit local numbers ("555-0137"), which it does
not look for in free text, are added by pattern. The organization's own lines are never PHI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_LOCAL = re.compile(r"(?<![\w/.:-])\d{3}[-.\s]\d{4}(?![\w/-]|[.:]\d)")
_FAX_LABEL = re.compile(r"\b(?:fax|facsimile|f)\b\W{0,4}(?:\w+\W{1,3}){0,2}$", re.IGNORECASE)


class PhoneRecognizer(Recognizer):
    types = (IdentifierType.PHONE, IdentifierType.FAX)

    def find(self, doc: Document) -> Iterator[Candidate]:
        spans: list[tuple[int, int]] = []
        matcher = phonenumbers.PhoneNumberMatcher(doc.text, "US", phonenumbers.Leniency.POSSIBLE)
        spans.extend((found.start, found.end) for found in matcher)
        for match in _LOCAL.finditer(doc.text):
            if not any(s <= match.start() < e for s, e in spans):
                spans.append(match.span())
        for start, end in sorted(spans):
            number = doc.text[start:end]
            if start > 0 and (doc.text[start - 1].isalnum() or doc.text[start - 1] in "-_/"):
                continue  # the tail of a longer code ("DS2-881045"), not a phone number
            if doc.profile.owns_phone(number) or _looks_like_a_range(number):
                continue
            before = doc.text[max(0, start - 20) : start]
            if _FAX_LABEL.search(before):
                yield Candidate(
                    IdentifierType.FAX, start, end, 0.9, "A fax number reaches a person."
                )
            else:
                yield Candidate(
                    IdentifierType.PHONE, start, end, 0.85, "A phone number reaches a person."
                )


def _looks_like_a_range(number: str) -> bool:
    # "2018-2023" and "1,204" are years and counts, not phone numbers.
    digits = re.sub(r"\D", "", number)
    return len(digits) < 7 or bool(re.fullmatch(r"(?:19|20)\d\d\D+(?:19|20)\d\d", number))
