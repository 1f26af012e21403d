"""Places smaller than a state, Safe Harbor (B), 45 CFR 164.514(b)(2)(i)(B).

Streets, towns, neighbourhoods, counties, and named places that pin a patient down (their school,
church or workplace). The organization's own facilities and event venues are not PHI; the profile
lists them, and the verdict ignores places in sentences about events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.lexicon import is_given_name
from phigate.scanning.recognizers.base import Candidate, Recognizer

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Lane|Ln|Drive|Dr|Avenue|Ave|Boulevard|Blvd|Way|Court|Ct|Place|Pl|"
    r"Parkway|Pkwy|Highway|Hwy|Circle|Cir|Terrace|Trail|Trl|Pike)"
)
_PLACE_SUFFIX = (
    r"(?:High|Elementary|Middle|School|Prep|Academy|University|College|Church|Chapel|Convent|"
    r"Library|Walmart|Field|Park|Hall|hall|group\s+home|Plant|plant|Mill|Farm|Ranch|Marina|Mall|"
    r"Center|County|Township|Parish|Heights|Estates|Village|Creek|Falls|Springs|Cove|Island|"
    r"Bridge|Lake|Valley|Ridge|Hollow|Fork|Bay|Beach|Harbor|Point|AME|VFW\s+hall)"
)

_PATTERNS: list[tuple[re.Pattern[str], float, str]] = [
    (
        re.compile(rf"\b\d{{1,5}}\s+(?:{_CAP}\s+){{1,3}}{_STREET_SUFFIX}\b\.?"),
        0.9,
        "A street address.",
    ),
    (
        re.compile(rf"\b(?:{_CAP}\s+){{1,3}}{_STREET_SUFFIX}\b(?!\s+\d)"),
        0.75,
        "A street name places a person smaller than a state.",
    ),
    (
        re.compile(r"\bRoute\s+\d{1,3}\b"),
        0.6,
        "A road where a person was, which can identify them with the date.",
    ),
    (
        re.compile(
            rf"\bthe\s+(?:{_CAP}\s+){{1,3}}(?:{_PLACE_SUFFIX})(?:\s+(?:[a-z]+\s+){{0,2}}game)?"
        ),
        0.7,
        "A named place tied to the person (school, church, workplace or neighbourhood).",
    ),
    (
        re.compile(rf"\b(?:{_CAP}\s+){{1,3}}{_PLACE_SUFFIX}\b"),
        0.7,
        "A named place tied to the person (school, church, workplace or neighbourhood).",
    ),
    (
        re.compile(r"\bthe\s+[a-z]+\s+on\s+\d+(?:st|nd|rd|th)\b"),
        0.6,
        "A place described by its street.",
    ),
]
# "from Millbrook", "of Port Alden", "outside Dry Fork": a capitalized place after a preposition
# that says where a person lives or comes from.
_FROM_PLACE = re.compile(
    rf"\b(?:from|of|outside|past|near|in|to|de|venus\s+de)\s+(?P<place>{_CAP}(?:[\s-](?:{_CAP}|du|de|la|del))*)"
)
_NOT_PLACE = frozenset(
    [
        "The",
        "Our",
        "Your",
        "His",
        "Her",
        "Their",
        "We",
        "Dr",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "I",
        "A",
        "An",
        "This",
        "That",
        "Today",
        "Tomorrow",
        "Yesterday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Labor",
        "Delivery",
        "Emergency",
        "ICU",
        "NICU",
        "PICU",
        "ER",
        "ED",
        "Cardiology",
        "Oncology",
        "Pediatrics",
        "Dermatology",
        "Radiology",
        "Surgery",
        "Medicine",
        "Health",
        "Care",
        "Hospital",
        "Medical",
        "Center",
        "Clinic",
        "Nursing",
        "Rehab",
        "Physical",
        "Therapy",
        "Instagram",
        "Facebook",
        "TikTok",
        "YouTube",
        "God",
        "Jesus",
        "Christmas",
        "Thanksgiving",
        "Easter",
        "English",
        "Spanish",
        "French",
        "America",
        "American",
        "US",
        "USA",
    ]
)


class LocationRecognizer(Recognizer):
    types = (IdentifierType.LOCATION,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        taken: list[tuple[int, int]] = []
        for pattern, score, reason in _PATTERNS:
            for match in pattern.finditer(doc.text):
                yield from self._emit(doc, match.start(), match.end(), score, reason, taken)
        for match in _FROM_PLACE.finditer(doc.text):
            start, end = match.span("place")
            place = match.group("place")
            first = place.split()[0].rstrip(".,")
            if first in _NOT_PLACE or (is_given_name(first) and len(place.split()) == 1):
                continue
            if place.isupper() and len(place) <= 5:  # "last 4 of SSN", "of MRN": labels, not towns
                continue
            yield from self._emit(
                doc, start, end, 0.6, "A town or neighbourhood tied to the person.", taken
            )

    @staticmethod
    def _emit(
        doc: Document, start: int, end: int, score: float, reason: str, taken: list[tuple[int, int]]
    ) -> Iterator[Candidate]:
        text = doc.text[start:end].rstrip(".,")
        end = start + len(text)
        if any(s < end and start < e for s, e in taken) or doc.profile.owns_term(text):
            return
        if text.split()[0] in _NOT_PLACE and not text.startswith("the "):
            return
        taken.append((start, end))
        yield Candidate(IdentifierType.LOCATION, start, end, score, reason)
