"""Room, bed and bay numbers, Safe Harbor (R), 45 CFR 164.514(b)(2)(i)(R).

A room number with a date is enough for staff, visitors and family to know exactly who is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_UNIT = r"(?:ER|ED|ICU|MICU|SICU|PICU|NICU|CVICU|CCU|PACU|L&D)"
_ROOM = re.compile(
    rf"(?<![A-Za-z])(?:{_UNIT}\s+)?(?:room|rm\.?|bed|bay|suite|apartment|apt\.?)(?:\s*[:#]\s*|\s+#?)\d{{1,4}}(?:-?[A-Z])?"
    r"(?:\s+window)?(?:\s+on\s+\d+\s+(?:East|West|North|South))?\b"
    rf"|\b{_UNIT}\s+\d{{1,3}}\b"
    r"|(?<=\bin )\d{1,4}[A-Z]\b",
    re.IGNORECASE,
)
# An address suite ("2200 Alder Way, Suite 140") is a place of business, not a patient's room.
_ADDRESS_BEFORE = re.compile(r"\d+\s+[\w .]+,\s*$")


class RoomRecognizer(Recognizer):
    types = (IdentifierType.OTHER_ID,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for match in _ROOM.finditer(doc.text):
            before = doc.text[max(0, match.start() - 40) : match.start()]
            if _ADDRESS_BEFORE.search(before):
                continue
            yield Candidate(
                IdentifierType.OTHER_ID,
                match.start(),
                match.end(),
                0.85,
                "A room or bed number points to the one patient in it.",
            )
