"""Dates tied to a person, Safe Harbor (C), 45 CFR 164.514(b)(2)(i)(C).

Every date element except the year is an identifier when it is a birth, admission, discharge, visit,
procedure or death date. Relative dates count too: a post's timestamp turns "yesterday" into a date.
Lengths of stay ("after 97 days with us") and recurring schedules ("every Tuesday") are not dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?:Mon|Tues|Tue|Wednes|Wed|Thurs|Thu|Fri|Satur|Sat|Sun)(?:day)?"
_DAYPART = r"(?:\s+(?:night|evening|morning|afternoon))"
_TIME = r"(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?|am|pm)|\d{1,2}:\d{2})"
_NUMBER_WORD = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a\s+few|several|a\s+couple\s+of)"
)
_UNIT = r"(?:days?|weeks?|months?|years?|hours?|hrs?)"

_PATTERNS: list[tuple[re.Pattern[str], float]] = [
    # 12:07 a.m. on January 1 / 6:02 a.m. on Monday, Aug. 4
    (
        re.compile(
            rf"\b{_TIME}\s+on\s+(?:{_WEEKDAY},?\s+)?{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
            rf"|\b{_TIME}\s+on\s+{_WEEKDAY}\b"
        ),
        0.9,
    ),
    # Thursday, 10/24 at 9:30 / Saturday, 9/14 / Monday, Aug. 4 / March 3, 2024 / Jan 9 at 2:15 pm
    (
        re.compile(
            rf"\b(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
            rf"|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)(?:,?\s+at\s+{_TIME})?(?![\w/])"
        ),
        0.9,
    ),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), 0.9),
    (re.compile(r"\b\d{1,2}\s+de\s+[a-z]+(?:\s+de\s+\d{4})?\b"), 0.8),
    (re.compile(r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b"), 0.7),
    # Relative dates.
    (
        re.compile(
            rf"\b(?:(?:one|a|two|three)\s+years?\s+ago\s+today|{_NUMBER_WORD}\s+{_UNIT}\s+ago"
            rf"|{_NUMBER_WORD}\s+{_UNIT}\s+(?:later|after|post|post-op|since)"
            rf"|day\s+\d+\s+post[-\s]?\w+|(?:his|her|their)\s+\d+(?:st|nd|rd|th)\s+day\s+of\s+life)\b",
            re.IGNORECASE,
        ),
        0.85,
    ),
    (
        re.compile(
            rf"\b(?:(?:last|this|next|on|since)\s+)?{_WEEKDAY}{_DAYPART}?\b"
            rf"|\b(?:last|this|next)\s+(?:{_MONTH_FULL}|spring|summer|fall|autumn|winter|week|"
            r"weekend|month|night|Valentine's\s+Day|Christmas|Thanksgiving|Easter)\b"
            r"|\b(?:today|yesterday|tonight|tomorrow|this\s+(?:morning|afternoon|evening))\b"
            r"|\b(?:hoy|ayer|anoche|esta\s+mañana|ce\s+matin|aujourd'hui|hier|hier\s+soir)\b",
            re.IGNORECASE,
        ),
        0.75,
    ),
    # A month alone, in care context: "in February", "since March".
    (
        re.compile(
            rf"(?:(?<=\bin )|(?<=\bsince )|(?<=\bfrom )|(?<=\buntil )){_MONTH_FULL}\b(?!\s+\d)"
        ),
        0.6,
    ),
]
_RECURRING = re.compile(r"\b(?:every|each)\s+$", re.IGNORECASE)


class DateRecognizer(Recognizer):
    types = (IdentifierType.DATE,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        taken: list[tuple[int, int]] = []
        for pattern, score in _PATTERNS:
            for match in pattern.finditer(doc.text):
                start, end = match.span()
                start, text = _trim_preposition(start, match.group())
                end = start + len(text)
                if any(s < end and start < e for s, e in taken):
                    continue
                if _RECURRING.search(doc.text[max(0, start - 8) : start]):
                    continue
                if _is_bare_year_or_range(doc.text, start, end):
                    continue
                taken.append((start, end))
                yield Candidate(
                    IdentifierType.DATE,
                    start,
                    end,
                    score,
                    "A date tied to a person's care (birth, visit, admission, procedure or death); "
                    "only the year may be shown.",
                )


def _trim_preposition(start: int, text: str) -> tuple[int, str]:
    match = re.match(r"(?:on|since)\s+", text, re.IGNORECASE)
    if match and len(text) > match.end():
        return start + match.end(), text[match.end() :]
    return start, text


_SCALE_BEFORE = re.compile(
    r"\b(?:pain|score|scale|rating|rated|level|grade|apgar|gcs|strength|mood)\W{0,3}$", re.I
)


def _is_bare_year_or_range(text: str, start: int, end: int) -> bool:
    # "9–10 hrs", "1/2 cup", dosages: fractions with small numbers are not dates.
    value = text[start:end]
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", value)
    if numeric and not (1 <= int(numeric[1]) <= 12 and 1 <= int(numeric[2]) <= 31):
        return True
    if re.fullmatch(r"\d/\d", value):
        return True
    # "Pain 2/10", "Strength 4/5": a score out of a scale, not a month and day.
    if numeric and _SCALE_BEFORE.search(text[max(0, start - 14) : start]):
        return True
    return bool(re.match(r"\s*(?:cup|tsp|tbsp|dose|tablet|mg|oz)", text[end : end + 6]))
