"""Unlabelled numbers that prove what they are by their own check digits or format.

Card and bank account numbers (Safe Harbor (J)) carry a Luhn or ISO 7064 check, US taxpayer numbers
(G, treated like SSNs) and Medicare Beneficiary Identifiers (I) have a defined layout. python-stdnum
holds the validators, so a random 16-digit count does not pass for a card number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban, luhn
from stdnum.us import itin

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

T = IdentifierType
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_ITIN = re.compile(r"(?<![\d-])9\d{2}-?(?:5[0-9]|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])-?\d{4}(?![\d-])")
# CMS MBI layout: 11 characters, no S, L, O, I, B or Z; positions fixed as digit or letter.
_MBI_LETTER = "AC-HJKMNP-RT-Y"
_MBI = re.compile(
    rf"\b[1-9][{_MBI_LETTER}][{_MBI_LETTER}0-9]\d-?[{_MBI_LETTER}][{_MBI_LETTER}0-9]\d-?"
    rf"[{_MBI_LETTER}][{_MBI_LETTER}]\d\d\b"
)
# Issuer prefixes of the card networks, so that a Luhn-valid order number is not taken for a card.
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5)|3(?:0[0-5]|[68])|35)")


class ChecksumNumberRecognizer(Recognizer):
    types = (T.ACCOUNT, T.SSN, T.HEALTH_PLAN)

    def find(self, doc: Document) -> Iterator[Candidate]:
        text = doc.text
        for match in _CARD.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn.is_valid(digits):
                yield Candidate(
                    T.ACCOUNT, match.start(), match.end(), 0.9,
                    "A payment card number (valid check digit) identifies the cardholder.", inherent=True,
                )  # fmt: skip
        for match in _IBAN.finditer(text):
            if iban.is_valid(match.group()):
                yield Candidate(
                    T.ACCOUNT, match.start(), match.end(), 0.9,
                    "A bank account number (IBAN, valid check digits) identifies its holder.", inherent=True,
                )  # fmt: skip
        for match in _ITIN.finditer(text):
            if itin.is_valid(match.group()):
                yield Candidate(
                    T.SSN, match.start(), match.end(), 0.7,
                    "A US taxpayer number (ITIN) identifies a person like an SSN.", inherent=True,
                )  # fmt: skip
        for match in _MBI.finditer(text):
            yield Candidate(
                T.HEALTH_PLAN, match.start(), match.end(), 0.85,
                "A Medicare Beneficiary Identifier identifies the insured person.", inherent=True,
            )  # fmt: skip
