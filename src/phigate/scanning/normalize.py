"""Undo the tricks that hide identifiers from a scanner, keeping a map back to the original offsets.

Authors rarely mean to evade the scanner, but copied text does it for them: zero-width characters
from rich editors, full-width digits from phone keyboards, look-alike letters from other scripts,
and numbers written out or spaced apart ("five five five, oh one two three"). Every recognizer reads
the cleaned text; every finding is mapped back so it points at the characters the author wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
# Four or more digit words in a row spell a number; fewer are ordinary prose ("one or two").
_SPELLED_DIGITS = re.compile(
    r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)"
    r"(?:[\s,.\-]+(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)){3,}\b",
    re.IGNORECASE,
)
# Single digits separated by single spaces, at least five of them: "5 5 5 0 1 2 3".
_SPACED_DIGITS = re.compile(r"(?<![\w])\d(?: \d){4,}(?![\w])")
_MIXED_WORD = re.compile(r"\w{2,}")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Cleaned text plus, for each of its characters, the original span it came from."""

    original: str
    clean: str
    lower: str
    _starts: tuple[int, ...]
    _ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the clean text to the span of the original text it was made from."""
        if end <= start:
            position = self._starts[start] if start < len(self._starts) else len(self.original)
            return position, position
        return self._starts[start], self._ends[end - 1]


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, text: str, start: int, end: int) -> None:
        for char in text:
            self.chars.append(char)
            self.starts.append(start)
            self.ends.append(end)


def normalize(text: str) -> NormalizedText:
    step = _compatibility_forms(text, range(len(text) + 1))
    step = _apply(step, _latinize_mixed_script_words)
    step = _apply(step, _join_digits)
    clean, starts, ends = step
    lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in clean)
    return NormalizedText(text, clean, lower, tuple(starts), tuple(ends))


_Step = tuple[str, list[int], list[int]]


def _compatibility_forms(text: str, _: range) -> _Step:
    """Drop invisible format characters and fold compatibility forms (full-width digits) per character."""
    if text.isascii():  # nothing to fold: the common case, kept cheap
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out = _Builder()
    for index, char in enumerate(text):
        if char.isascii():
            out.add(char, index, index + 1)
            continue
        category = unicodedata.category(char)
        if category == "Cf" or char in "\u00ad\u034f":
            continue
        folded = _fold(char)
        out.add(folded, index, index + 1)
    return "".join(out.chars), out.starts, out.ends


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    # NFKC turns some symbols into spaces or several characters; keep those where a scan gains nothing.
    return folded if folded.strip() or not char.strip() else char


def _apply(step: _Step, rewrite: object) -> _Step:
    text, starts, ends = step
    replacements = rewrite(text)  # type: ignore[operator]
    if not replacements:
        return step
    out = _Builder()
    cursor = 0
    for start, end, pieces in replacements:
        for i in range(cursor, start):
            out.add(text[i], starts[i], ends[i])
        for piece, piece_start, piece_end in pieces:
            out.add(piece, starts[piece_start], ends[piece_end - 1])
        cursor = end
    for i in range(cursor, len(text)):
        out.add(text[i], starts[i], ends[i])
    return "".join(out.chars), out.starts, out.ends


_Replacement = tuple[int, int, list[tuple[str, int, int]]]


def _latinize_mixed_script_words(text: str) -> list[_Replacement]:
    """Replace look-alike letters inside words that mix scripts ("Ѕоfia" with Cyrillic S and o)."""
    if text.isascii():
        return []
    replacements: list[_Replacement] = []
    for match in _MIXED_WORD.finditer(text):
        word = match.group()
        if word.isascii() or not confusables.is_mixed_script(word):
            continue
        pieces = []
        for offset, char in enumerate(word):
            position = match.start() + offset
            pieces.append((_latin_look_alike(char), position, position + 1))
        replacements.append((match.start(), match.end(), pieces))
    return replacements


@lru_cache(maxsize=1024)
def _latin_look_alike(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
                return str(glyph["c"])
    return char


def _join_digits(text: str) -> list[_Replacement]:
    """Turn spelled-out and spaced-apart digit runs into plain digits."""
    replacements: list[_Replacement] = []
    for match in _SPELLED_DIGITS.finditer(text):
        pieces = [
            (
                _DIGIT_WORDS[word.group().lower()],
                match.start() + word.start(),
                match.start() + word.end(),
            )
            for word in re.finditer(r"[A-Za-z]+", match.group())
        ]
        replacements.append((match.start(), match.end(), pieces))
    for match in _SPACED_DIGITS.finditer(text):
        if any(s < match.end() and match.start() < e for s, e, _ in replacements):
            continue
        pieces = [
            (char, match.start() + i, match.start() + i + 1)
            for i, char in enumerate(match.group())
            if char != " "
        ]
        replacements.append((match.start(), match.end(), pieces))
    replacements.sort(key=lambda r: r[0])
    return replacements
