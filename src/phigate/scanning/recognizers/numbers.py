"""Labelled identifying numbers: Safe Harbor (G) SSN, (H) medical record, (I) health plan,
(J) account, (K) certificate/licence, (L) vehicle and (M) device numbers, 45 CFR 164.514(b)(2)(i).

Each is found by the label people write before it ("MRN", "member ID", "plate"), because the same
digits unlabelled are just a number. The span is the value alone. SSNs are also found by shape,
and VINs by their check digit (ISO 3779). A labelled number is PHI by nature: it points to a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

T = IdentifierType
# Case-sensitive and not running into a following word: OCR joins "MRN:1128675Room:622".
_VALUE = r"(?P<value>(?-i:[A-Z0-9][A-Z0-9-]{2,20}[A-Z0-9](?![a-z])))"
# "no. 123", "#: 123", and the appositive ", no. 04418827" of "driver's license, no. 04418827".
_SEP = r"(?:,?\s*(?:#|no\.?|number|num|nos?\.)|\s*)?\s*[:#]?\s*"

_LABELLED: list[tuple[IdentifierType, re.Pattern[str], str]] = [
    (
        T.SSN,
        re.compile(
            rf"\b(?:SSN|social\s+security(?:\s+number)?|SS#)(?:\s+ending(?:\s+in)?)?{_SEP}(?P<value>\d{{3}}([-\s]?)\d{{2}}\2\d{{4}}|\d{{4}})\b",
            re.I,
        ),
        "A Social Security number, even its last four digits, identifies a person.",
    ),
    (
        T.MRN,
        re.compile(
            rf"\b(?:MRN|MR#|medical\s+record(?:\s+number)?|chart|patient\s+ID){_SEP}{_VALUE}", re.I
        ),
        "A medical record number identifies the patient's chart.",
    ),
    (
        T.HEALTH_PLAN,
        re.compile(
            rf"\b(?:member|subscriber|policy|Medicaid|Medicare|insurance|plan|beneficiary|MBI|group)\s*(?:ID|#|number|no\.?){_SEP}{_VALUE}",
            re.I,
        ),
        "A health plan member number identifies the insured person.",
    ),
    (
        T.ACCOUNT,
        re.compile(
            rf"\b(?:account|acct\.?|billing\s+account|invoice){_SEP}(?P<value>(?:[A-Z]{{1,4}}-)?[A-Z0-9]*\d[A-Z0-9-]{{3,20}}\d)",
            re.I,
        ),
        "An account number identifies the person billed.",
    ),
    (
        T.LICENSE,
        re.compile(
            rf"\b(?:DL|CDL|driver'?s?\s+licen[cs]e|licen[cs]e|certificate|cert\.?){_SEP}{_VALUE}",
            re.I,
        ),
        "A licence or certificate number identifies its holder.",
    ),
    (
        T.VEHICLE,
        re.compile(rf"\b(?:plate|license\s+plate|tag|VIN){_SEP}{_VALUE}", re.I),
        "A licence plate or vehicle number identifies the owner.",
    ),
    (
        T.DEVICE,
        re.compile(
            rf"\b(?:serial|S/N|SN|UDI|lot|device\s+(?:ID|serial)|model\s+serial)(?:\s+number)?{_SEP}{_VALUE}",
            re.I,
        ),
        "A device serial number is tied to the one patient who has the device.",
    ),
]
# The organization's own pharmacy, facility or fleet numbers are published on purpose.
_ORGANIZATION_LICENCE = re.compile(
    r"\b(?:pharmacy|facility|clinic|hospital|our|state|CLIA|DEA|fleet|mammo\w*)\s*$", re.I
)
_SSN_SHAPE = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
_VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")
# A device serial written inside parentheses after the device ("machine (DS2-881045)").
_DEVICE_IN_PARENS = re.compile(
    r"\b(?:machine|device|pump|pacemaker|implant|hearing\s+aid|CPAP)\s*\((?P<value>[A-Z0-9]{2,}-[A-Z0-9-]{3,})\)",
    re.I,
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}  # fmt: skip


def vin_check_digit_ok(vin: str) -> bool:
    """ISO 3779 / 49 CFR 565.15: the ninth character is the weighted sum modulo 11 (10 is 'X')."""
    if len(vin) != 17 or not all(c in _VIN_VALUES for c in vin.upper()):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    check = total % 11
    return vin[8].upper() == ("X" if check == 10 else str(check))


class LabelledNumberRecognizer(Recognizer):
    types = (T.SSN, T.MRN, T.HEALTH_PLAN, T.ACCOUNT, T.LICENSE, T.VEHICLE, T.DEVICE)

    def find(self, doc: Document) -> Iterator[Candidate]:
        taken: list[tuple[int, int]] = []
        for kind, pattern, reason in _LABELLED:
            for match in pattern.finditer(doc.text):
                start, end = match.span("value")
                if any(s < end and start < e for s, e in taken) or not re.search(
                    r"\d", match["value"]
                ):
                    continue
                if _ORGANIZATION_LICENCE.search(
                    doc.text[max(0, match.start() - 30) : match.start()]
                ):
                    continue
                taken.append((start, end))
                yield Candidate(kind, start, end, 0.9, reason, inherent=True)
        for match in _SSN_SHAPE.finditer(doc.text):
            area, group, serial = match.groups()
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            # Never-issued areas (000, 666) and zero groups are not SSNs; 9xx is kept, because a
            # scanner must not wave a number through just because it looks invented.
            if area in {"000", "666"} or group == "00" or serial == "0000":
                continue
            yield Candidate(
                T.SSN,
                match.start(),
                match.end(),
                0.8,
                "This has the shape of a Social Security number.",
                inherent=True,
            )
        for match in _DEVICE_IN_PARENS.finditer(doc.text):
            start, end = match.span("value")
            if not any(s < end and start < e for s, e in taken):
                yield Candidate(
                    T.DEVICE,
                    start,
                    end,
                    0.8,
                    "A device serial number is tied to the one patient who has it.",
                    inherent=True,
                )
        for match in _VIN.finditer(doc.text):
            if vin_check_digit_ok(match.group()) and not any(
                s < match.end() and match.start() < e for s, e in taken
            ):
                yield Candidate(
                    T.VEHICLE,
                    match.start(),
                    match.end(),
                    0.9,
                    "A vehicle identification number (check digit valid) identifies the owner.",
                    inherent=True,
                )
