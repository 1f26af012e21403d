"""Sessions, CSRF and request throttling for the pages.

Sessions are Starlette's signed cookies (HttpOnly, SameSite=Lax, Secure when served over TLS)
holding only the person id, a CSRF token and the time of the last request, which enforces an idle
timeout. Every state-changing form carries the CSRF token; htmx sends it as a header.
"""

from __future__ import annotations

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
