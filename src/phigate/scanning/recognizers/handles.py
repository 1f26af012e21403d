"""Social media handles, Safe Harbor (R): a tagged patient is a named patient."""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")


class HandleRecognizer(Recognizer):
    types = (IdentifierType.HANDLE,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for match in _HANDLE.finditer(doc.text):
            if doc.profile.owns_term(match.group()):
                continue
            yield Candidate(
                IdentifierType.HANDLE,
                match.start(),
                match.end(),
                0.8,
                "A tagged account names the person who owns it.",
            )
