"""Renewing an expired OAuth 2.0 access token with the stored refresh token (RFC 6749 section 6),
for the connectors whose platforms hand out short-lived user tokens (X, LinkedIn, Pinterest).

The platform answers a new access token, its lifetime and often a new refresh token: X and
Pinterest's continuous refresh tokens rotate, so the old one stops working once used. The new
credentials are therefore handed to `save` (the Publisher seals them into the account's stored
credentials) before the token is used, and only a connector given somewhere to save them renews at
all: a renewal that cannot be kept would spend a rotating refresh token for nothing.

Two workers may renew the same account at once; with a rotating refresh token the platform honours
only the first. The second, refused, looks at the stored credentials before asking for a reconnect:
if they changed since it read them (the first worker saved its renewal, or a person reconnected the
account), it uses those.

A renewal happens before a call once the stored `expires_at` (epoch seconds) has passed, and after a
call answered 401; the call is then sent once more. PHI and secret discipline: tokens, the client
secret and the token endpoint's free-text description never appear in an error; only the OAuth
error code does (RFC 6749 section 5.2 defines the codes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.platform_http import TIMEOUT, json_body, retry_after_header


class SaveCredentials(Protocol):
    """Where a connector hands the account's renewed credentials (the Publisher: sealed storage)."""

    def __call__(self, credentials: dict[str, Any]) -> None:
        """Keep these as the account's credentials."""

    def stored(self) -> dict[str, Any] | None:
        """The account's credentials as stored now: another worker may have renewed them."""


EXPIRY_MARGIN_S = 60.0  # renew a little before the platform's expiry, not after a refusal
REFUSED_GRANT = frozenset({"invalid_grant", "invalid_request"})
REFUSED_CLIENT = frozenset({"invalid_client", "unauthorized_client"})


@dataclass
class TokenRenewal:
    """One account's way to a new access token, and where the renewed credentials go.

    `credentials` are all the account's stored fields; a renewal saves them with `access_token`,
    `refresh_token` and `expires_at` replaced. `basic_auth` sends the client id and secret as HTTP
    Basic authentication (RFC 6749 section 2.3.1); otherwise they go in the form body, and a public
    client (no secret) sends only its id.
    """

    platform: str  # as staff read it: "X", "LinkedIn", "Pinterest"
    token_url: str
    credentials: dict[str, Any]
    save: SaveCredentials
    basic_auth: bool
    clock: Callable[[], float] = time.time

    @property
    def access_token(self) -> str:
        return str(self.credentials["access_token"])

    def due(self) -> bool:
        """Whether the stored expiry says the access token is spent (unknown: not due)."""
        try:
            expires_at = float(self.credentials.get("expires_at") or 0)
        except (TypeError, ValueError):
            return False
        return expires_at > 0 and self.clock() >= expires_at - EXPIRY_MARGIN_S

    def renew(self) -> str:
        """A new access token, already saved with the rest of the credentials."""
        form = {
            "grant_type": "refresh_token",
            "refresh_token": str(self.credentials["refresh_token"]),
        }
        client_id = str(self.credentials.get("client_id") or "")
        client_secret = str(self.credentials.get("client_secret") or "")
        auth: tuple[str, str] | None = None
        if self.basic_auth and client_secret:
            auth = (client_id, client_secret)
        else:
            form["client_id"] = client_id
            if client_secret:
                form["client_secret"] = client_secret
        try:
            response = httpx.post(self.token_url, data=form, auth=auth, timeout=TIMEOUT)
        except httpx.HTTPError as error:
            # The exception's text can carry the request; its type name says enough.
            raise ConnectorError(
                f"phigate could not reach {self.platform}'s sign-in service to renew the access "
                f"token ({type(error).__name__}); it will be retried.",
                retryable=True,
            ) from None
        body = json_body(response)
        if response.is_success and body.get("access_token"):
            self._keep(body)
            return self.access_token
        refusal = self._refusal(response, body)
        if not refusal.retryable and self._renewed_elsewhere():
            return self.access_token
        raise refusal

    def _renewed_elsewhere(self) -> bool:
        stored = self.save.stored()
        if not stored or not stored.get("access_token"):
            return False
        held = (self.credentials.get("access_token"), self.credentials.get("refresh_token"))
        if (stored.get("access_token"), stored.get("refresh_token")) == held:
            return False
        self.credentials = dict(stored)
        return True

    def _keep(self, body: dict[str, Any]) -> None:
        renewed = {**self.credentials, "access_token": str(body["access_token"])}
        if body.get("refresh_token"):  # rotated (X, Pinterest continuous); else the old one stays
            renewed["refresh_token"] = str(body["refresh_token"])
        try:
            renewed["expires_at"] = int(self.clock() + float(body["expires_in"]))
        except (KeyError, TypeError, ValueError):
            renewed.pop("expires_at", None)  # unknown lifetime: renew on the next 401
        self.save(renewed)
        self.credentials = renewed

    def _refusal(self, response: httpx.Response, body: dict[str, Any]) -> ConnectorError:
        status = response.status_code
        if status == 429 or status >= 500:
            return ConnectorError(
                f"{self.platform}'s sign-in service could not renew the access token right now "
                f"(HTTP {status}); it will be retried.",
                retryable=True,
                retry_after=retry_after_header(response.headers.get("retry-after")),
            )
        code = body.get("error")
        if code in REFUSED_CLIENT:
            why = "the app's client id or secret is wrong or was deleted"
        elif code in REFUSED_GRANT or status in (400, 401):
            why = "the account's authorization has expired or was revoked"
        else:
            why = "the sign-in service refused"
        reference = f"HTTP {status}" + (
            f", {code}" if code in REFUSED_GRANT | REFUSED_CLIENT else ""
        )
        return ConnectorError(
            f"{self.platform} could not renew the access token: {why} ({reference}); "
            f"reconnect the {self.platform} account in phigate.",
            retryable=False,
        )


def send_renewing(
    client: httpx.Client, renewal: TokenRenewal | None, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """`client.request`, with the access token renewed when expired and after a 401 (sent again
    once). Without a renewal this is the plain request: a 401 is the caller's to report."""
    if renewal is not None and renewal.due():
        _use(client, renewal.renew())
    response = client.request(method, url, **kwargs)
    if response.status_code == 401 and renewal is not None:
        _use(client, renewal.renew())
        response = client.request(method, url, **kwargs)
    return response


def _use(client: httpx.Client, access_token: str) -> None:
    client.headers["Authorization"] = f"Bearer {access_token}"


def renewal_for(
    platform: str,
    credentials: dict[str, Any],
    save: SaveCredentials | None,
    token_url: str,
    *,
    basic_auth: bool,
) -> TokenRenewal | None:
    """The account's renewal, or None without a refresh token and client id or nowhere to save."""
    if save is None or not (credentials.get("refresh_token") and credentials.get("client_id")):
        return None
    return TokenRenewal(platform, token_url, dict(credentials), save, basic_auth)
