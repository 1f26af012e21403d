"""What the HTTP connectors (X, LinkedIn, Pinterest, Facebook, Instagram, YouTube, Google Business
Profile) share: a client with timeouts, and the reading of a platform's failure as a ConnectorError
in plain words.

PHI discipline: a platform's own error message is shown to staff, but some platforms echo the
request back in it ("text '...' is too long"), so any stretch of it that also occurs in the post's
text, alt text or comment is cut out first, and the message is capped in length.
"""

from __future__ import annotations

import email.utils
import functools
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, ParamSpec, TypeVar

import httpx

from phigate.publishing.connectors import ConnectorError

P = ParamSpec("P")
R = TypeVar("R")
ANSWER_CHECK_AFTER = 300.0

# A platform call answers within seconds; uploads of a large video chunk may take longer.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
DEFAULT_RATE_LIMIT_WAIT = 60.0
MAX_DETAIL = 300
# Shorter shared stretches ("the text", "is too") are ordinary words, not an echo of the post.
ECHO_MIN_CHARS = 12


def new_client(
    base_url: str, headers: dict[str, str], timeout: httpx.Timeout = TIMEOUT
) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def redact(detail: str, hidden: Iterable[str]) -> str:
    """The platform's message without any stretch of the post's own words, at most MAX_DETAIL."""
    hidden = [h for h in hidden if h]
    words = detail.split()
    kept: list[str] = []
    start = 0
    while start < len(words):
        # The longest run of the message's words, from here, that the hidden text contains.
        end = start
        for stop in range(len(words), start, -1):
            run = " ".join(words[start:stop]).strip("'\"“”‘’.,:;()[]{}")
            if len(run) >= ECHO_MIN_CHARS and any(run in h for h in hidden):
                end = stop
                break
        if end > start:
            if not kept or kept[-1] != "[post text]":
                kept.append("[post text]")
            start = end
        else:
            kept.append(words[start])
            start += 1
    cleaned = " ".join(kept)
    return cleaned if len(cleaned) <= MAX_DETAIL else cleaned[: MAX_DETAIL - 1] + "…"


def seconds_until_epoch(value: str | None) -> float | None:
    """A reset time given as epoch seconds (X's x-rate-limit-reset), as a wait from now."""
    if not value:
        return None
    try:
        return max(1.0, float(value) - time.time())
    except ValueError:
        return None


def retry_after_header(value: str | None) -> float | None:
    """RFC 9110 section 10.2.3: Retry-After is either delay-seconds or an HTTP-date."""
    if not value:
        return None
    if re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return max(1.0, float(value))
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(1.0, (moment - datetime.now(UTC)).total_seconds())


def seconds_until_midnight(
    now: datetime | None = None, zone: tzinfo = UTC, at_least: float = 1.0
) -> float:
    """Until the next midnight in `zone`: when a platform's daily quota starts again."""
    local = (now or datetime.now(UTC)).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return max(at_least, (midnight - local).total_seconds())


def failure(
    platform: str,
    doing: str,
    status: int,
    detail: str,
    *,
    retry_after: float | None = None,
    hidden: Iterable[str] = (),
) -> ConnectorError:
    """The ConnectorError for a platform's non-success answer. `doing` reads after "could not"."""
    said = redact(detail, hidden) if detail else ""
    if status == 429:
        return ConnectorError(
            f"{platform} is limiting how often phigate may {doing}; it will be retried later.",
            retryable=True,
            retry_after=retry_after or DEFAULT_RATE_LIMIT_WAIT,
        )
    if status >= 500:
        return ConnectorError(
            f"{platform} could not {doing} right now (HTTP {status}); it will be retried.",
            retryable=True,
            retry_after=retry_after,
        )
    if status == 401:
        return ConnectorError(
            f"{platform} refused to {doing}: the access token has expired or was revoked; "
            f"reconnect the {platform} account in phigate.",
            retryable=False,
        )
    reason = f": {said}" if said else ""
    return ConnectorError(f"{platform} refused to {doing} (HTTP {status}){reason}", retryable=False)


def unreachable(platform: str, doing: str, error: httpx.HTTPError) -> ConnectorError:
    # The exception's own text can carry the request URL; its type name says enough.
    return ConnectorError(
        f"phigate could not reach {platform} to {doing} ({type(error).__name__}); "
        "it will be retried.",
        retryable=True,
    )


def understood_answers(platform: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """An answer missing a documented field (a changed API) becomes a ConnectorError.

    Retryable: after a publish whose answer was not understood, the next attempt first looks the
    post up (or the platform refuses the duplicate), so nothing is published twice.
    """

    def wrap(operation: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(operation)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return operation(*args, **kwargs)
            except (KeyError, IndexError, TypeError, ValueError) as error:
                raise ConnectorError(
                    f"{platform} answered in a form phigate does not recognize "
                    f"({type(error).__name__}); it will be retried.",
                    retryable=True,
                    retry_after=ANSWER_CHECK_AFTER,
                ) from None

        return guarded

    return wrap
