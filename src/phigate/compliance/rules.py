"""A refusal a person can act on: a stable code, plain words, and the rule it rests on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    citation: str

    def __str__(self) -> str:
        return f"{self.message} ({self.citation})"
