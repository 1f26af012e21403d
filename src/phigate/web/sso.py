"""Single sign-on through OpenID Connect (Entra ID, Okta, any OIDC provider), with authlib.

Configured by PHIGATE_OIDC_METADATA_URL (the provider's .well-known/openid-configuration),
PHIGATE_OIDC_CLIENT_ID and PHIGATE_OIDC_CLIENT_SECRET. Only people already registered in phigate
can sign in, matched by their verified email; nobody is created by signing in. Roles that must use
two factors (reviewer, privacy officer, admin) are admitted only when the provider says it used
multi-factor authentication (the `amr` claim holds "mfa"), so SSO never weakens the MFA rule.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from phigate.service import OperationError
from phigate.signin import needs_mfa


def configured() -> bool:
    return bool(
        os.environ.get("PHIGATE_OIDC_METADATA_URL") and os.environ.get("PHIGATE_OIDC_CLIENT_ID")
    )


def router(service_dependency: Any, render_login: Callable[[Request, str], Response]) -> APIRouter:
    oauth = OAuth()
    oauth.register(
        name="sso",
        server_metadata_url=os.environ["PHIGATE_OIDC_METADATA_URL"],
        client_id=os.environ["PHIGATE_OIDC_CLIENT_ID"],
        client_secret=os.environ.get("PHIGATE_OIDC_CLIENT_SECRET", ""),
        client_kwargs={"scope": "openid email profile"},
    )
    routes = APIRouter()

    @routes.get("/login/sso", name="sso_start")
    async def sso_start(request: Request) -> Response:
        client = oauth.create_client("sso")
        redirect = str(request.url_for("sso_callback"))
        response: Response = await client.authorize_redirect(request, redirect)
        return response

    @routes.get("/login/sso/callback", name="sso_callback")
    async def sso_callback(request: Request) -> Response:
        client = oauth.create_client("sso")
        try:
            token = await client.authorize_access_token(request)
        except OAuthError:
            return render_login(
                request, "Single sign-on failed; try again or sign in with your password."
            )
        claims = token.get("userinfo") or {}
        email = str(claims.get("email", "")).lower()
        if not email or claims.get("email_verified") is False:
            return render_login(
                request, "Your identity provider did not send a verified email address."
            )
        generator = service_dependency(request)
        svc = next(generator)
        try:
            try:
                person = svc.person_by_email(email)
            except OperationError:
                svc.record(None, "login.sso_unknown", "person", "unknown")
                return render_login(
                    request, "No phigate account uses this email; ask the privacy office."
                )
            if not person.active:
                return render_login(request, "This account is disabled.")
            if needs_mfa(person) and "mfa" not in (claims.get("amr") or []):
                svc.record(person.id, "login.sso_without_mfa", "person", person.id)
                return render_login(
                    request, "Your role requires multi-factor sign-in at your identity provider."
                )
            svc.record(person.id, "login.sso_succeeded", "person", person.id)
        finally:
            for _ in generator:  # commits the audit entries
                pass
        request.session.clear()
        request.session.update({"person_id": person.id, "seen": time.time()})
        return RedirectResponse("/", status_code=303)

    return routes
