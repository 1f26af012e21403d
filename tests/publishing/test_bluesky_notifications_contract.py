"""Reading Bluesky replies, mentions and quotes for the inbox. A bare PDS has no AppView to answer
app.bsky.notification.listNotifications, so a local server reproduces its documented request and
response (docs.bsky.app: app.bsky.notification.listNotifications; "Rate Limits"), with errors."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from phigate.engagement.inbox import InboundKind
from phigate.publishing.bluesky import BlueskyConnector
from phigate.publishing.connectors import ConnectorError

DID = "did:plc:clinicinvented000000000"


def _jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2lnbmF0dXJl"


ACCESS = _jwt({"scope": "com.atproto.appPass", "sub": DID, "exp": int(time.time()) + 7200})
REFRESH = _jwt({"scope": "com.atproto.refresh", "sub": DID, "exp": int(time.time()) + 86400})


def notification(n: int, reason: str, at: str, text: str, author: str = "Jordan") -> dict[str, Any]:
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at}
    uri = f"at://did:plc:commenter{n:016d}/app.bsky.feed.post/3k{n:011d}"
    if reason in ("like", "repost"):
        record = {"$type": f"app.bsky.feed.{reason}", "createdAt": at,
                  "subject": {"uri": f"at://{DID}/app.bsky.feed.post/3kpost", "cid": "bafyreiexample"}}  # fmt: skip
    return {"uri": uri, "cid": f"bafyreicid{n}", "reason": reason, "record": record, "isRead": False,
            "indexedAt": at, "labels": [],
            "author": {"did": f"did:plc:commenter{n:016d}", "handle": f"{author.lower()}.example.com",
                       "displayName": author}}  # fmt: skip


def fake_appview(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()

    @server.post("/xrpc/com.atproto.server.createSession")
    async def create_session(request: Request) -> JSONResponse:
        body = await request.json()
        state["requests"].append(("POST", "createSession", dict(request.headers), body))
        if body.get("password") != "app-password":
            return JSONResponse({"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
                                status_code=401)  # fmt: skip
        return JSONResponse({"did": DID, "handle": "clinic.example.com", "accessJwt": ACCESS,
                             "refreshJwt": REFRESH, "active": True})  # fmt: skip

    @server.get("/xrpc/app.bsky.notification.listNotifications")
    async def list_notifications(request: Request) -> JSONResponse:
        query = dict(request.query_params)
        state["requests"].append(("GET", "listNotifications", dict(request.headers), query))
        if request.headers.get("authorization") != f"Bearer {ACCESS}":
            return JSONResponse({"error": "InvalidToken", "message": "Bad token"}, status_code=401)
        if state.get("expired"):
            return JSONResponse({"error": "ExpiredToken", "message": "Token has been revoked"},
                                status_code=400)  # fmt: skip
        if state.get("rate_limited"):
            reset = str(int(time.time()) + 40)
            return JSONResponse({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status_code=429,
                                headers={"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                                         "ratelimit-reset": reset, "ratelimit-policy": "3000;w=300"})  # fmt: skip
        if state.get("down"):
            return JSONResponse({"error": "InternalServerError", "message": "Internal Server Error"},
                                status_code=500)  # fmt: skip
        limit = int(query.get("limit", "50"))
        start = int(query.get("cursor", "0"))
        page = state["notifications"][start : start + limit]
        body: dict[str, Any] = {"notifications": page, "seenAt": "2026-11-22T00:00:00.000Z"}
        if start + limit < len(state["notifications"]):
            body["cursor"] = str(start + limit)
        return JSONResponse(body)

    return server


@pytest.fixture
def appview() -> Iterator[tuple[str, dict[str, Any]]]:
    state: dict[str, Any] = {"requests": [], "notifications": []}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(fake_appview(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", state
    server.should_exit = True
    thread.join(5)


def test_replies_mentions_and_quotes_become_inbox_items_until_since(
    appview: tuple[str, dict[str, Any]],
) -> None:
    base, state = appview
    newest_first = [
        notification(n, reason, f"2026-11-22T{23 - n // 4:02d}:{59 - n % 60:02d}:00.000Z", f"comment {n}")
        for n, reason in enumerate(["reply", "like", "mention", "quote", "follow", "repost"] * 12)
    ]  # fmt: skip
    state["notifications"] = newest_first
    since = datetime(2026, 11, 22, 10, tzinfo=UTC)
    items = BlueskyConnector(base, "clinic.example.com", "app-password").fetch_inbound(since)
    expected = [
        n for n in newest_first
        if n["reason"] in ("reply", "mention", "quote") and datetime.fromisoformat(n["indexedAt"]) >= since
    ]  # fmt: skip
    assert [i.external_id for i in items] == [n["uri"] for n in expected]
    assert {i.kind for i in items} == {InboundKind.REPLY, InboundKind.MENTION}
    reply = next(i for i in items if i.external_id == newest_first[0]["uri"])
    assert (reply.kind, reply.author, reply.text, reply.platform) == (
        InboundKind.REPLY,
        "Jordan",
        "comment 0",
        "bluesky",
    )
    assert reply.received_at == datetime.fromisoformat(newest_first[0]["indexedAt"])
    calls = [r for r in state["requests"] if r[1] == "listNotifications"]
    assert all(c[2]["authorization"] == f"Bearer {ACCESS}" for c in calls)
    assert calls[0][3] == {"limit": "50"} and calls[1][3] == {"limit": "50", "cursor": "50"}
    assert len(calls) == 2  # page 2 reached `since`: no third page asked for


def test_everything_is_read_when_there_is_no_cursor_yet(
    appview: tuple[str, dict[str, Any]],
) -> None:
    base, state = appview
    state["notifications"] = [notification(1, "mention", "2020-01-01T00:00:00.000Z", "hello")]
    [item] = BlueskyConnector(base, "clinic.example.com", "app-password").fetch_inbound(None)
    assert item.kind is InboundKind.MENTION and item.text == "hello"


@pytest.mark.parametrize(
    ("setup", "retryable", "words"),
    [
        ({"expired": True}, False, "app password"),
        ({"rate_limited": True}, True, "right now"),
        ({"down": True}, True, "right now"),
    ],
)
def test_reading_fails_clearly(
    appview: tuple[str, dict[str, Any]], setup: dict[str, Any], retryable: bool, words: str
) -> None:
    base, state = appview
    state["notifications"] = [
        notification(1, "reply", "2026-11-22T09:00:00.000Z", "my knee surgery")
    ]
    connector = BlueskyConnector(base, "clinic.example.com", "app-password")
    state.update(setup)
    with pytest.raises(ConnectorError) as failed:
        connector.fetch_inbound(None)
    assert failed.value.retryable is retryable and words in str(failed.value)
    assert "knee" not in str(failed.value) and "Bluesky" in str(failed.value)
    if setup.get("rate_limited"):
        assert failed.value.retry_after is not None and 30 <= failed.value.retry_after <= 41


def test_a_wrong_app_password_is_named(appview: tuple[str, dict[str, Any]]) -> None:
    base, _ = appview
    with pytest.raises(ConnectorError) as refused:
        BlueskyConnector(base, "clinic.example.com", "wrong")
    assert not refused.value.retryable and "app password" in str(refused.value)
