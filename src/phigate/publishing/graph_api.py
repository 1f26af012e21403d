"""Meta's Graph API, shared by the Facebook Page and Instagram connectors: requests and errors.

Errors follow https://developers.facebook.com/docs/graph-api/guides/error-handling/: the body is
{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}. Code 190 (and 102) is an
expired or revoked token; 4, 17, 32, 613 and the 80001-80014 business-use-case codes are rate
limits; 1 and 2 (or `is_transient`) are temporary; 10 and 200-299 are missing permissions; anything
else (100 is an invalid parameter) is a request the platform will not accept as it stands.

A throttled caller learns when to come back from the X-Business-Use-Case-Usage header's
`estimated_time_to_regain_access`, in minutes
(https://developers.facebook.com/docs/graph-api/overview/rate-limiting/).

The platform's own message is shown without any stretch of the post's words (platform_http.redact).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.platform_http import (
    DEFAULT_RATE_LIMIT_WAIT,
    TIMEOUT,
    json_body,
    redact,
    retry_after_header,
    unreachable,
)

GRAPH_API_VERSION = "v24.0"  # https://developers.facebook.com/docs/graph-api/changelog/versions/
GRAPH_BASE_URL = "https://graph.facebook.com"
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=10.0)  # a whole video in one request

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
EXPIRED_TOKEN_CODES = frozenset({102, 190})
TEMPORARY_CODES = frozenset({1, 2})
PERMISSION_CODES = frozenset({10, *range(200, 300)})


class GraphClient:
    """One Graph API host for one access token. The token goes in the Authorization header as an
    OAuth 2.0 bearer token (RFC 6750 section 2.1; Meta's Cloud API reference sends it so to the same
    graph.facebook.com), never in a URL, so it cannot end up in an access log or debug output."""

    def __init__(self, platform_title: str, access_token: str, base_url: str) -> None:
        self.platform_title = platform_title
        self._http = httpx.Client(
            base_url=f"{base_url.rstrip('/')}/{GRAPH_API_VERSION}",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=TIMEOUT,
        )

    def call(
        self,
        method: str,
        path: str,
        doing: str,
        *,
        params: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        gone_ok: bool = False,
        hidden: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The JSON answer, or a ConnectorError that says what went wrong in plain words.

        With `gone_ok`, an object that does not exist (already deleted) answers an empty dict.
        `hidden` are the texts sent (post, alt texts) that must not reappear in an error.
        """
        try:
            response = self._http.request(
                method, path, params=params, data=data, files=files, timeout=timeout
            )
        except httpx.TransportError as error:
            raise unreachable(self.platform_title, doing, error) from None
        if response.is_success:
            return json_body(response)
        if gone_ok and _is_gone(response):
            return {}
        raise graph_error(self.platform_title, doing, response, hidden)


def graph_error(
    platform_title: str, doing: str, response: httpx.Response, hidden: Sequence[str] = ()
) -> ConnectorError:
    error = _error_object(response)
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    reference = f"status {response.status_code}" + (f", error {code}" if code is not None else "")
    if subcode is not None:
        reference += f"/{subcode}"
    if response.status_code == 429 or code in RATE_LIMIT_CODES:
        return ConnectorError(
            f"{platform_title} is limiting how often phigate may {doing} ({reference}); "
            "it will be retried.",
            retryable=True,
            retry_after=retry_after(response) or DEFAULT_RATE_LIMIT_WAIT,
        )
    if code in EXPIRED_TOKEN_CODES or response.status_code == 401:
        return ConnectorError(
            f"{platform_title} refused to {doing}: the access token has expired or was revoked "
            f"({reference}); reconnect the account.",
            retryable=False,
        )
    if code in PERMISSION_CODES:
        return ConnectorError(
            f"{platform_title} refused to {doing}: the account has not given phigate the "
            f"permission this needs ({reference}); reconnect the account and allow it.",
            retryable=False,
        )
    if code in TEMPORARY_CODES or error.get("is_transient") is True or response.status_code >= 500:
        return ConnectorError(
            f"{platform_title} could not {doing} right now ({reference}); it will be retried.",
            retryable=True,
            retry_after=retry_after(response),
        )
    message = redact(str(error.get("message") or "no reason given"), hidden)
    return ConnectorError(
        f"{platform_title} refused to {doing}: {message} ({reference}).", retryable=False
    )


def _is_gone(response: httpx.Response) -> bool:
    # Graph answers a delete of a missing object with code 100, subcode 33 ("does not exist").
    error = _error_object(response)
    return response.status_code == 404 or (error.get("code"), error.get("error_subcode")) == (
        100,
        33,
    )


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After or the business-use-case usage header (minutes)."""
    header = retry_after_header(response.headers.get("Retry-After"))
    if header is not None:
        return header
    usage = response.headers.get("X-Business-Use-Case-Usage")
    if not usage:
        return None
    try:
        parsed = json.loads(usage)
    except json.JSONDecodeError:
        return None
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in (parsed.values() if isinstance(parsed, dict) else [])
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    waits = [float(m) for m in minutes if isinstance(m, int | float) and m > 0]
    return max(waits) * 60.0 if waits else None


def parse_graph_time(value: str) -> datetime:
    """Graph timestamps look like 2026-11-23T10:00:00+0000."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def _error_object(response: httpx.Response) -> dict[str, Any]:
    error = json_body(response).get("error")
    return error if isinstance(error, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None
