"""Single sign-on against a real OpenID Connect provider on loopback: discovery, authorization code,
token endpoint and an RS256-signed ID token checked against the provider's JWKS."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode, urlparse

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

from phigate.compliance.people import Role
from tests.web.conftest import Site

KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key"})


def provider_app(base: str, claims: dict[str, object]) -> FastAPI:
    provider = FastAPI()
    codes: dict[str, str] = {}

    @provider.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, object]:
        return {
            "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }  # fmt: skip

    @provider.get("/jwks")
    def jwks() -> dict[str, object]:
        return {"keys": [KEY.as_dict(private=False)]}

    @provider.get("/authorize")
    def authorize(redirect_uri: str, state: str, nonce: str = "") -> RedirectResponse:
        code = uuid.uuid4().hex
        codes[code] = nonce
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")

    @provider.post("/token")
    async def token(
        request: Request, code: str = Form(), client_id: str = Form("phigate")
    ) -> dict[str, object]:
        now = int(time.time())
        payload = {
            "iss": base,
            "aud": "phigate",
            "sub": "user-1",
            "iat": now,
            "exp": now + 300,
            "nonce": codes[code],
            **claims,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, payload, KEY)
        return {
            "access_token": "at",
            "token_type": "Bearer",
            "id_token": id_token,
            "expires_in": 300,
        }

    return provider


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, object]]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    claims: dict[str, object] = {}
    server = uvicorn.Server(
        uvicorn.Config(provider_app(base, claims), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    monkeypatch.setenv("PHIGATE_OIDC_METADATA_URL", f"{base}/.well-known/openid-configuration")
    monkeypatch.setenv("PHIGATE_OIDC_CLIENT_ID", "phigate")
    monkeypatch.setenv("PHIGATE_OIDC_CLIENT_SECRET", "s3cret")
    yield base, claims
    server.should_exit = True
    thread.join(5)


def _sso(site: Site) -> httpx.Response:
    client = site.client()
    start = client.get("/login/sso", follow_redirects=False)
    assert start.status_code == 302
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    callback = urlparse(at_provider.headers["location"])
    response = client.get(f"{callback.path}?{callback.query}", follow_redirects=False)
    response.extensions["client"] = client
    return response


def test_known_author_signs_in_through_the_provider(
    site: Site, provider: tuple[str, dict[str, object]]
) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    from phigate.web.app import create_app  # built after the provider is configured

    site.app = create_app(site.engine, site.vault, "k" * 40)
    provider[1].update({"email": "avery@example.org", "email_verified": True})
    response = _sso(site)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert response.extensions["client"].get("/compose").status_code == 200


def test_unknown_email_and_reviewer_without_mfa_are_refused(
    site: Site, provider: tuple[str, dict[str, object]]
) -> None:
    from phigate.web.app import create_app

    site.person("riley@example.org", {Role.REVIEWER})
    site.app = create_app(site.engine, site.vault, "k" * 40)
    provider[1].update({"email": "ghost@example.org", "email_verified": True})
    assert "No phigate account uses this email" in _sso(site).text
    provider[1].update({"email": "riley@example.org", "amr": ["pwd"]})
    assert "requires multi-factor" in _sso(site).text
    provider[1].update({"amr": ["pwd", "mfa"]})
    assert _sso(site).status_code == 303
