"""What every recognizer is: one identifier family with its patterns, validation and explanation."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span a recognizer believes is an identifier, in the document's normalized offsets.

    `inherent` marks identifiers that are about a patient by their nature (a medical record number,
    a health plan member id): they need no further context to be PHI. Everything else is PHI only
    when the post ties it to a patient or to care, which the verdict decides.
    """

    type: IdentifierType
    start: int
    end: int
    score: float
    reason: str
    inherent: bool = False


class Recognizer(ABC):
    """Subclasses find one family of identifiers; they never decide the verdict."""

    types: ClassVar[tuple[IdentifierType, ...]]

    @abstractmethod
    def find(self, doc: Document) -> Iterable[Candidate]:
        """Yield every candidate in the document."""
