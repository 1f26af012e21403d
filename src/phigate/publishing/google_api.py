"""Google APIs (YouTube Data API, Business Profile), shared by their connectors: OAuth and errors.

Access tokens last an hour, so a connector holds the OAuth client and a refresh token and trades
them for an access token at the token endpoint when needed
(https://developers.google.com/identity/protocols/oauth2/web-server#offline); a 401 trades again
once. `invalid_grant` there means the person revoked access or the refresh token expired.

API errors follow https://cloud.google.com/apis/design/errors and, for YouTube,
https://developers.google.com/youtube/v3/docs/errors: {"error": {"code", "message", "status",
"errors": [{"domain", "reason", "message"}]}}. `quotaExceeded` means the project's daily quota is
spent: it resets at midnight Pacific time
(https://developers.google.com/youtube/v3/getting-started#quota), so the retry waits until then.
The platform's own message is shown without any stretch of the post's words (platform_http.redact).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.platform_http import (
    DEFAULT_RATE_LIMIT_WAIT,
    TIMEOUT,
    json_body,
    redact,
    retry_after_header,
    seconds_until_midnight,
    unreachable,
)

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
UPLOAD_TIMEOUT = httpx.Timeout(600.0, connect=10.0)  # a whole video in one PUT
RATE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
)
DAILY_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
AUTH_REASONS = frozenset({"authError", "invalidCredentials", "UNAUTHENTICATED"})
PERMISSION_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
TOKEN_MARGIN_S = 60.0  # renew a little before Google's expiry, not after a refusal


class GoogleAuth:
    """Access tokens for one Google account, from an OAuth client and the account's refresh token."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_url: str = GOOGLE_TOKEN_URL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._form = {
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        }
        self._token_url = token_url
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0

    def token(self, platform_title: str) -> str:
        if self._token is None or self._clock() >= self._expires_at:
            self._token, lifetime = self._exchange(platform_title)
            self._expires_at = self._clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
        return self._token

    def forget(self) -> None:
        self._token = None

    def _exchange(self, platform_title: str) -> tuple[str, float]:
        try:
            response = httpx.post(self._token_url, data=self._form, timeout=TIMEOUT)
        except httpx.TransportError as error:
            raise unreachable(
                f"Google's sign-in service (for {platform_title})", "sign in", error
            ) from None
        body = json_body(response)
        if response.is_success and body.get("access_token"):
            return str(body["access_token"]), float(body.get("expires_in") or 3600)
        if response.status_code >= 500 or response.status_code == 429:
            raise ConnectorError(
                f"Google's sign-in service is unavailable for {platform_title} "
                f"(status {response.status_code}); it will be retried.",
                retryable=True,
                retry_after=retry_after(response),
            )
        code = str(body.get("error") or "no reason given")
        if code == "invalid_grant":
            why = "the account's authorization has expired or was revoked"
        elif code in ("invalid_client", "unauthorized_client"):
            why = "the OAuth client id or secret is wrong or was deleted"
        else:
            why = f"Google's sign-in service said {code}"
        raise ConnectorError(
            f"{platform_title} could not sign in: {why} (status {response.status_code}); "
            "reconnect the account.",
            retryable=False,
        )


class GoogleClient:
    def __init__(self, platform_title: str, auth: GoogleAuth, base_url: str) -> None:
        self.platform_title = platform_title
        self._auth = auth
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT)

    def call(
        self,
        method: str,
        url: str,
        doing: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        gone_ok: bool = False,
        hidden: Sequence[str] = (),
    ) -> httpx.Response:
        """The successful response, or a ConnectorError that says what went wrong in plain words.

        With `gone_ok`, a 404 (already deleted) counts as success. `hidden` are the texts sent
        (post, reply) that must not reappear in an error."""
        for attempt in (1, 2):
            sent = {**(headers or {}), "Authorization": f"Bearer {self._auth.token(self.platform_title)}"}  # fmt: skip
            try:
                response = self._http.request(
                    method, url, params=params, json=json, content=content, headers=sent, timeout=timeout
                )  # fmt: skip
            except httpx.TransportError as error:
                raise unreachable(self.platform_title, doing, error) from None
            if response.status_code == 401 and attempt == 1:
                self._auth.forget()  # the access token expired early or was revoked: renew once
                continue
            break
        if response.is_success or (gone_ok and response.status_code == 404):
            return response
        raise google_error(self.platform_title, doing, response, hidden)

    def call_json(self, method: str, url: str, doing: str, **options: Any) -> dict[str, Any]:
        """Like `call`, for the JSON object answered; an empty dict for no body or a 404 gone_ok."""
        response = self.call(method, url, doing, **options)
        return json_body(response) if response.is_success else {}


def google_error(
    platform_title: str, doing: str, response: httpx.Response, hidden: Sequence[str] = ()
) -> ConnectorError:
    error = json_body(response).get("error")
    error = error if isinstance(error, dict) else {}
    details = error.get("errors")
    details = details if isinstance(details, list) else []
    reasons = {str(d.get("reason")) for d in details if isinstance(d, dict) and d.get("reason")}
    if isinstance(error.get("status"), str):
        reasons.add(error["status"])
    status = response.status_code
    reference = f"status {status}" + (f", {', '.join(sorted(reasons))}" if reasons else "")
    if reasons & DAILY_QUOTA_REASONS:
        return ConnectorError(
            f"{platform_title} could not {doing}: the project's daily API quota is used up "
            f"({reference}); it will be retried after midnight Pacific time.",
            retryable=True,
            retry_after=seconds_until_pacific_midnight(datetime.now(UTC)),
        )
    if status == 429 or reasons & RATE_LIMIT_REASONS:
        return ConnectorError(
            f"{platform_title} is limiting how often phigate may {doing} ({reference}); "
            "it will be retried.",
            retryable=True,
            retry_after=retry_after(response) or DEFAULT_RATE_LIMIT_WAIT,
        )
    if status == 401 or reasons & AUTH_REASONS:
        return ConnectorError(
            f"{platform_title} refused to {doing}: the account's authorization has expired or "
            f"was revoked ({reference}); reconnect the account.",
            retryable=False,
        )
    if reasons & PERMISSION_REASONS:
        return ConnectorError(
            f"{platform_title} refused to {doing}: the account has not given phigate the "
            f"permission this needs ({reference}); reconnect the account and allow it.",
            retryable=False,
        )
    if status >= 500:
        return ConnectorError(
            f"{platform_title} could not {doing} right now ({reference}); it will be retried.",
            retryable=True,
            retry_after=retry_after(response),
        )
    message = redact(str(error.get("message") or "no reason given"), hidden)
    return ConnectorError(
        f"{platform_title} refused to {doing}: {message} ({reference}).", retryable=False
    )


def retry_after(response: httpx.Response) -> float | None:
    return retry_after_header(response.headers.get("Retry-After"))


def seconds_until_pacific_midnight(now: datetime) -> float:
    try:
        pacific: timezone | ZoneInfo = ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # a container without time zone data: standard time is close
        pacific = timezone(timedelta(hours=-8))
    return seconds_until_midnight(now, pacific, at_least=60.0)


def parse_rfc3339(value: str) -> datetime:
    """Google's timestamps: RFC 3339 with up to nine fractional digits (Python reads six)."""
    head, dot, rest = value.partition(".")
    if dot:
        digits = "".join(c for c in rest if c.isdigit())
        value = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    return datetime.fromisoformat(value)
