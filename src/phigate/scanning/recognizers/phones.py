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
# "fax", "faxed", "f:" and "facsimile" make the next number a fax line, as long as no other number
# or calling word stands between them ("fax 555-0152 or call 555-0151": the second is a phone).
_FAX_WORD = re.compile(r"\b(?:fax(?:ed|ing|es)?|facsimile|f(?=\s*[:#.]))\b", re.IGNORECASE)
_FAX_BREAK = re.compile(
    r"\d|[.!?•|;\n]\s|\b(?:call|phone|tel|telephone|text|cell|mobile|ph)\b", re.IGNORECASE
)
_FAX_WINDOW = 80
_ID_LABEL = re.compile(
    r"\b(?:MRN|MR#|chart|record|ID|acct|account|invoice|member|policy|subscriber|serial|S/N|SN|DL|"
    r"licen[cs]e|plate|tag|lot|SSN)\s*(?:#|no\.?|number)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# A seven-digit local number is three digits and four; "10–4. 1818" is opening hours and a street.
_SEVEN_DIGIT_SHAPE = re.compile(r"\d{3}[-.\s–]?\d{4}")


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
            if doc.profile.owns_phone(number) or _not_a_phone(number):
                continue
            if _ID_LABEL.search(doc.text[max(0, start - 30) : start]):
                continue  # "MRN 5520913" is a record number; the numbers recognizer reports it
            if _labelled_fax(doc.text, start):
                yield Candidate(
                    IdentifierType.FAX, start, end, 0.9, "A fax number reaches a person."
                )
            else:
                yield Candidate(
                    IdentifierType.PHONE, start, end, 0.85, "A phone number reaches a person."
                )


def _labelled_fax(text: str, start: int) -> bool:
    before = text[max(0, start - _FAX_WINDOW) : start]
    words = list(_FAX_WORD.finditer(before))
    if not words:
        return False
    between = before[words[-1].end() :]
    return not _FAX_BREAK.search(between)


def _not_a_phone(number: str) -> bool:
    # "2018-2023", "1,204" and "10–4. 1818" are years, counts and hours; "203.0.113.208" is an IP.
    digits = re.sub(r"\D", "", number)
    if len(digits) < 7 or _DOTTED_QUAD.fullmatch(number):
        return True
    if len(digits) == 7 and not _SEVEN_DIGIT_SHAPE.fullmatch(number):
        return True
    return bool(re.fullmatch(r"(?:19|20)\d\d\D+(?:19|20)\d\d", number))
