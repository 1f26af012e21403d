"""ZIP codes, Safe Harbor (B), 45 CFR 164.514(b)(2)(i)(B).

Safe Harbor lets a de-identified record keep only the first three digits of a ZIP code, and only
when the three-digit area holds more than 20,000 people; for the areas that do not, even those
three digits must become 000. A five-digit number is taken for a ZIP only where people write ZIPs:
after a state abbreviation ("Portland, OR 97201") or after the word "zip", so that counts, prices
and years in prose are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

# ZIP3 areas with 20,000 people or fewer, from the 2000 Census figures HHS points to in its
# de-identification guidance (section 2.4); these must be written as 000.
RESTRICTED_ZIP3 = frozenset(
    {"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
     "879", "884", "890", "893"}
)  # fmt: skip

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|"
    "NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP"
)
_ZIP = r"(?P<zip>\d{5}(?:-\d{4})?)(?![\d-]|\.\d)"
# The state is case-sensitive: "in 12345" or "me 04101" in lower case is prose, not an address.
_AFTER_STATE = re.compile(rf"(?<![\w.])(?P<state>{_STATES})\.?,?\s+{_ZIP}")
_BEFORE_STATE_COMMA = re.compile(r",\s*$")
_BEFORE_STATE_TOWN = re.compile(r"\b[A-Z][a-z]+\.?\s+$")
_LABELLED = re.compile(rf"\b(?:zip|zip\s*code|zipcode|postal\s+code)\s*(?:#|:)?\s*{_ZIP}", re.I)

_REASON = (
    "A full ZIP code narrows a person to a small area; Safe Harbor keeps at most its first three "
    "digits, and none for sparsely populated areas (45 CFR 164.514(b)(2)(i)(B))."
)


def safe_zip3(zip_code: str) -> str:
    """The Safe Harbor form of a ZIP code: its first three digits, or 000 in a restricted area.

    >>> safe_zip3("97201-1234"), safe_zip3("03601")
    ('972', '000')
    """
    digits = re.sub(r"\D", "", zip_code)
    if len(digits) < 5:
        raise ValueError("a ZIP code has at least five digits")
    zip3 = digits[:3]
    return "000" if zip3 in RESTRICTED_ZIP3 else zip3


class ZipCodeRecognizer(Recognizer):
    types = (IdentifierType.LOCATION,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        seen: set[int] = set()
        for pattern, score in ((_LABELLED, 0.85), (_AFTER_STATE, 0.75)):
            for match in pattern.finditer(doc.text):
                start, end = match.span("zip")
                if start in seen or match["zip"].startswith("00000"):
                    continue
                if pattern is _AFTER_STATE and not _follows_a_town(doc.text, match):
                    continue
                seen.add(start)
                yield Candidate(IdentifierType.LOCATION, start, end, score, _REASON)


def _follows_a_town(text: str, match: re.Match[str]) -> bool:
    # "Portland, OR 97201" and "Portland OR 97201" are addresses. Without the comma, ID (Idaho)
    # is not trusted, because "Patient ID 12345" is an identifier label, not a place.
    before = text[max(0, match.start() - 40) : match.start()]
    if _BEFORE_STATE_COMMA.search(before):
        return True
    return match["state"] != "ID" and bool(_BEFORE_STATE_TOWN.search(before))
