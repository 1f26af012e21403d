"""Sessions, CSRF and request throttling for the pages.

Sessions are Starlette's signed cookies (HttpOnly, SameSite=Lax, Secure when served over TLS)
holding only the person id, a CSRF token and the time of the last request, which enforces an idle
timeout. Every state-changing form carries the CSRF token; htmx sends it as a header.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

IDLE_TIMEOUT_SECONDS = 30 * 60


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not expected or not given or not secrets.compare_digest(str(expected), given):
        raise HTTPException(
            403, "The form expired or did not come from phigate; reload the page and try again."
        )


class Throttle:
    """At most `limit` attempts per key in a sliding window; in memory, per process."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


class IdentityCache:
    """API token identities remembered for a few seconds, per process.

    Every API call would otherwise cost two queries (the token, then its person) before any work,
    about a third of a scan request. A revoked token or a deactivated person therefore stops
    working within `ttl_seconds` (PHIGATE_TOKEN_CACHE_S, default 5; 0 turns the cache off).
    """

    def __init__(self, ttl_seconds: float | None = None, max_entries: int = 10_000) -> None:
        if ttl_seconds is None:
            ttl_seconds = float(os.environ.get("PHIGATE_TOKEN_CACHE_S", "5"))
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, object]] = {}

    def get(self, key: str) -> object | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > self.ttl:
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: str, value: object) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # bounded memory; the next calls simply look up again
        self._entries[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._entries.clear()
