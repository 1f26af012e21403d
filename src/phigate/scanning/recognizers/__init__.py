"""The recognizer family: one module per kind of identifier."""

from __future__ import annotations

from phigate.scanning.recognizers.base import Candidate, Recognizer
from phigate.scanning.recognizers.email import EmailRecognizer


def default_recognizers() -> list[Recognizer]:
    return [
        EmailRecognizer(),
    ]


__all__ = ["Candidate", "Recognizer", "default_recognizers"]
