"""The idempotency key, carried inside a post's text as characters nobody sees.

Meta's Graph API keeps no custom fields on a Page post or an Instagram caption and honours no
idempotency header, so the only place a key can travel with the post is its text. The key is
written after the text in invisible format characters (Unicode category Cf: they have no glyph and
screen readers skip them), so readers see exactly the approved text while `find` can still
recognize the post among the account's recent ones.

Zero width joiner (U+200D) is deliberately not used: after an emoji it would fuse with what follows.
"""

from __future__ import annotations

import hashlib

START = "\u2063"  # INVISIBLE SEPARATOR: where the marker begins
DIGITS = (
    "\u200b",
    "\u2060",
    "\u2061",
    "\u2062",
)  # ZWSP, WORD JOINER, FUNCTION APPLICATION, INVISIBLE TIMES
MARKER_BITS = 64  # no collision among one account's recent posts


def marker(idempotency_key: str) -> str:
    """The invisible marker for a key: 64 bits of its hash, two bits per invisible character."""
    # Hashed, so any key (not only phigate's hexadecimal ones) has a marker of the same length.
    bits = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[: MARKER_BITS // 8])
    digits = [DIGITS[(bits >> shift) & 3] for shift in range(MARKER_BITS - 2, -2, -2)]
    return START + "".join(digits)


def with_marker(text: str, idempotency_key: str) -> str:
    return text + marker(idempotency_key)


def carries(text: str | None, idempotency_key: str) -> bool:
    return bool(text) and marker(idempotency_key) in str(text)
