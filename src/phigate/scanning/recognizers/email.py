"""Electronic mail addresses, Safe Harbor (F)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)


class EmailRecognizer(Recognizer):
    types = (IdentifierType.EMAIL,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for match in _EMAIL.finditer(doc.text):
            if doc.profile.owns_email(match.group()):
                continue
            yield Candidate(
                IdentifierType.EMAIL,
                match.start(),
                match.end(),
                0.95,
                "An email address identifies the person who owns it.",
            )
