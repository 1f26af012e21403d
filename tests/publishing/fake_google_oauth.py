"""Google's OAuth token endpoint as documented for refresh tokens
(https://developers.google.com/identity/protocols/oauth2/web-server#offline), for contract tests."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CLIENT_ID = "client-1.apps.googleusercontent.com"
CLIENT_SECRET = "client-secret"
REFRESH = "refresh-1"


def add_token_endpoint(app: FastAPI, state: dict[str, Any], scope: str) -> None:
    """POST /token issues a new access token per refresh; state["tokens"][-1] is the valid one."""
    state.setdefault("tokens", [])

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client", "error_description": "The OAuth client was not found."}, status_code=401)  # fmt: skip
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH:
            return JSONResponse({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, status_code=400)  # fmt: skip
        issued = f"ya29.token-{len(state['tokens'])}"
        state["tokens"].append(issued)
        return JSONResponse({"access_token": issued, "expires_in": 3599, "scope": scope, "token_type": "Bearer"})  # fmt: skip


def bearer_is_current(request: Request, state: dict[str, Any]) -> bool:
    tokens = state.get("tokens") or []
    return bool(tokens) and request.headers.get("authorization") == f"Bearer {tokens[-1]}"
