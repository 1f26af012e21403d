"""The Mastodon connector against a local HTTP server that reproduces the documented request and
response shapes of POST /api/v1/statuses and DELETE /api/v1/statuses/:id, with their errors."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.mastodon import MastodonConnector

TOKEN = "test-token"


def fake_mastodon(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()

    @server.post("/api/v1/statuses")
    async def post_status(
        request: Request,
        status: str = Form(),
        visibility: str = Form("public"),
        authorization: str = Header(""),
        idempotency_key: str | None = Header(None),
    ) -> JSONResponse:
        if authorization != f"Bearer {TOKEN}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        if state.get("rate_limited"):
            reset = str(int(time.time()) + 30)
            return JSONResponse({"error": "Too many requests"}, status_code=429,
                                headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})  # fmt: skip
        if len(status) > 500:
            return JSONResponse(
                {"error": "Validation failed: Text character limit of 500 exceeded"},
                status_code=422,
            )
        if idempotency_key and idempotency_key in state["by_key"]:
            return JSONResponse(state["statuses"][state["by_key"][idempotency_key]])
        status_id = str(100000 + len(state["statuses"]))
        body = {"id": status_id, "created_at": "2026-11-23T10:00:00.000Z", "content": f"<p>{status}</p>",
                "visibility": visibility, "url": f"https://social.example/@clinic/{status_id}", "uri": f"https://social.example/users/clinic/statuses/{status_id}",
                "account": {"id": "1", "username": "clinic", "acct": "clinic"}, "media_attachments": [], "mentions": [], "tags": [], "emojis": []}  # fmt: skip
        state["statuses"][status_id] = body
        if idempotency_key:
            state["by_key"][idempotency_key] = status_id
        return JSONResponse(body)

    @server.delete("/api/v1/statuses/{status_id}")
    async def delete_status(status_id: str, authorization: str = Header("")) -> JSONResponse:
        if authorization != f"Bearer {TOKEN}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        if status_id not in state["statuses"]:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        return JSONResponse(state["statuses"].pop(status_id))

    return server


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Any]]]:
    state: dict[str, Any] = {"statuses": {}, "by_key": {}}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(
        uvicorn.Config(fake_mastodon(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", state
    running.should_exit = True
    thread.join(5)


def test_publish_is_idempotent_and_delete_removes(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    connector = MastodonConnector(base, TOKEN)
    first = connector.publish("Flu shots are free this Saturday!", "key-1")
    again = connector.publish("Flu shots are free this Saturday!", "key-1")  # a retry after a crash
    assert first == again and len(state["statuses"]) == 1
    assert first.url == f"https://social.example/@clinic/{first.platform_id}"
    connector.delete(first.platform_id)
    assert state["statuses"] == {}
    connector.delete(first.platform_id)  # already gone: fine


def test_errors_are_classified(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    with pytest.raises(ConnectorError) as rejected:
        MastodonConnector(base, TOKEN).publish("x" * 501, "key-2")
    assert not rejected.value.retryable and "character limit" in str(rejected.value)
    with pytest.raises(ConnectorError) as unauthorized:
        MastodonConnector(base, "wrong").publish("hello", "key-3")
    assert not unauthorized.value.retryable and "token" in str(unauthorized.value)
    state["rate_limited"] = True
    with pytest.raises(ConnectorError) as limited:
        MastodonConnector(base, TOKEN).publish("hello", "key-4")
    assert limited.value.retryable
    assert limited.value.retry_after is not None and 25 <= limited.value.retry_after <= 31
