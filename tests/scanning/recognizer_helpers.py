"""Run one recognizer on a text and read back what it found, as the author wrote it."""

from __future__ import annotations

from phigate.scanning import IdentifierType
from phigate.scanning.document import Document
from phigate.scanning.profile import EMPTY_PROFILE, OrganizationProfile
from phigate.scanning.recognizers import Recognizer
from phigate.scanning.report import ScanKind


def candidates(
    recognizer: Recognizer,
    text: str,
    kind: IdentifierType | None = None,
    profile: OrganizationProfile = EMPTY_PROFILE,
) -> list[str]:
    doc = Document.from_text(text, ScanKind.POST, profile)
    return [
        doc.text[c.start : c.end] for c in recognizer.find(doc) if kind is None or c.type is kind
    ]
