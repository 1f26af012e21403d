"""The X connector against a local server that reproduces the documented X API v2 shapes: Create and
Delete Post, media upload (one-shot for images, initialize/append/finalize/STATUS for video), media
metadata, users/me, a user's Posts and mentions timelines, and their errors (401 problem, 400
invalid-request that echoes the parameter, 403 duplicate content, 429 with x-rate-limit-reset, 503).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from phigate.engagement.inbox import InboundKind
from phigate.publishing import x
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.x import XConnector
from tests.publishing.local_server import Seen, record_requests, serve

TOKEN = "x-user-token"
ME = "1500000000000000001"
PROBLEM_401 = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}  # fmt: skip


def fake_x(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()
    record_requests(server, state["seen"])

    def refused(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse(PROBLEM_401, status_code=401)
        if state.get("rate_limited"):
            reset = str(int(time.time()) + 40)
            return JSONResponse({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                                status_code=429, headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset})  # fmt: skip
        if state.get("down"):
            return JSONResponse({"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": 503}, status_code=503)  # fmt: skip
        return None

    def invalid(parameter: str, value: str, message: str) -> JSONResponse:
        return JSONResponse({"errors": [{"parameters": {parameter: [value]}, "message": message}],
                             "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                             "type": "https://api.twitter.com/2/problems/invalid-request"}, status_code=400)  # fmt: skip

    @server.post("/2/tweets")
    async def create(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        text = body["text"]
        if len(text) > 280:
            return invalid("text", text, f"Text is too long: {text}")
        if any(p["text"] == text for p in state["posts"].values()):
            return JSONResponse({"detail": "You are not allowed to create a Tweet with duplicate content.",
                                 "type": "about:blank", "title": "Forbidden", "status": 403}, status_code=403)  # fmt: skip
        for media_id in body.get("media", {}).get("media_ids", []):
            if state["media"].get(media_id, {}).get("state") != "succeeded":
                return invalid(
                    "media.media_ids", media_id, f"Your media IDs are invalid: {media_id}"
                )
        reply = body.get("reply", {}).get("in_reply_to_tweet_id")
        if reply is not None and reply not in state["others"]:
            return invalid("reply.in_reply_to_tweet_id", reply, "The post you are replying to is not visible.")  # fmt: skip
        post_id = str(1800000000000000000 + len(state["posts"]) + 1)
        state["posts"][post_id] = {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id]}
        return JSONResponse({"data": {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id]}}, status_code=201)  # fmt: skip

    @server.delete("/2/tweets/{post_id}")
    async def delete(post_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        if state["posts"].pop(post_id, None) is None:
            return JSONResponse({"title": "Not Found Error", "detail": f"Could not find tweet with id: [{post_id}].",
                                 "type": "https://api.twitter.com/2/problems/resource-not-found"}, status_code=404)  # fmt: skip
        return JSONResponse({"data": {"deleted": True}})

    def new_media(kind: str, state_now: str) -> str:
        media_id = str(1900000000000000000 + len(state["media"]) + 1)
        state["media"][media_id] = {"state": state_now, "kind": kind, "chunks": {}, "checks": 0}
        return media_id

    @server.post("/2/media/upload")
    async def upload(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        form = await request.form()
        media = form["media"]
        data = await media.read()  # type: ignore[union-attr]
        media_id = new_media("image", "succeeded")
        state["media"][media_id].update(category=form["media_category"], bytes=data)
        return JSONResponse({"data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(data), "expires_after_secs": 86400,
                                      "image": {"image_type": form["media_type"], "w": 1, "h": 1}}})  # fmt: skip

    @server.post("/2/media/upload/initialize")
    async def initialize(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        media_id = new_media("video", "uploading")
        state["media"][media_id].update(total=body["total_bytes"], category=body["media_category"], media_type=body["media_type"])  # fmt: skip
        return JSONResponse({"data": {"id": media_id, "media_key": f"7_{media_id}", "expires_after_secs": 86400}})  # fmt: skip

    @server.post("/2/media/upload/{media_id}/append")
    async def append(media_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        form = await request.form()
        chunk = await form["media"].read()  # type: ignore[union-attr]
        state["media"][media_id]["chunks"][int(str(form["segment_index"]))] = chunk
        return JSONResponse({"data": {"expires_at": int(time.time()) + 86400}})

    @server.post("/2/media/upload/{media_id}/finalize")
    async def finalize(media_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        item = state["media"][media_id]
        item["bytes"] = b"".join(item["chunks"][i] for i in sorted(item["chunks"]))
        if len(item["bytes"]) != item["total"]:
            return invalid("total_bytes", str(item["total"]), "Segments do not add up to provided total file size.")  # fmt: skip
        item["state"] = "pending"
        return JSONResponse({"data": {"id": media_id, "media_key": f"7_{media_id}", "size": item["total"], "expires_after_secs": 86400,
                                      "processing_info": {"state": "pending", "check_after_secs": 1}}})  # fmt: skip

    @server.get("/2/media/upload")
    async def status(request: Request, media_id: str, command: str) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        item = state["media"][media_id]
        item["checks"] += 1
        item["state"] = "in_progress" if item["checks"] < 2 else "succeeded"
        info: dict[str, Any] = {"state": item["state"]}
        if item["state"] == "in_progress":
            info.update(check_after_secs=2, progress_percent=50)
        return JSONResponse({"data": {"id": media_id, "media_key": f"7_{media_id}", "processing_info": info}})  # fmt: skip

    @server.post("/2/media/metadata")
    async def metadata(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        state["media"][body["id"]]["alt_text"] = body["metadata"]["alt_text"]["text"]
        return JSONResponse({"data": {"associated_metadata": True, "id": body["id"]}})

    @server.get("/2/users/me")
    async def me(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        return JSONResponse({"data": {"id": ME, "name": "Riverside Clinic", "username": "riverside_clinic"}})  # fmt: skip

    @server.get("/2/users/{user_id}/tweets")
    async def timeline(user_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        posts = [
            {**p, "text": p["text"].replace("&", "&amp;")}  # X escapes entities in text
            for p in reversed(state["posts"].values())
        ]
        return JSONResponse({"data": posts, "meta": {"result_count": len(posts)}})

    @server.get("/2/users/{user_id}/mentions")
    async def mentions(user_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        start = request.query_params.get("start_time")
        pages = [p for p in state["mentions"] if start is None or p["created_at"] >= start]
        token = request.query_params.get("pagination_token")
        offset = int(token) if token else 0
        page = pages[offset : offset + 2]
        authors = {p["author_id"] for p in page}
        meta: dict[str, Any] = {"result_count": len(page)}
        if offset + 2 < len(pages):
            meta["next_token"] = str(offset + 2)
        users = [u for u in state["users"] if u["id"] in authors]
        return JSONResponse({"data": page, "includes": {"users": users}, "meta": meta})

    return server


@pytest.fixture
def platform() -> Iterator[tuple[str, dict[str, Any]]]:
    seen: list[Seen] = []
    state: dict[str, Any] = {"posts": {}, "media": {}, "others": {"1700000000000000042"}, "seen": seen,
                             "mentions": [], "users": []}  # fmt: skip
    with serve(fake_x(state)) as base:
        yield base, state


def connector(base: str, token: str = TOKEN) -> XConnector:
    return XConnector(token, base_url=base, sleep=lambda seconds: None)


def test_publish_reconciles_after_a_crash_and_delete_removes(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    x_account = connector(base)
    text = "Flu shots & boosters: walk in Saturday 9-12, https://clinic.example/flu"
    first = x_account.publish(text, "key-1")
    create = next(s for s in state["seen"] if s.method == "POST" and s.path == "/2/tweets")
    assert create.headers["authorization"] == f"Bearer {TOKEN}"
    assert create.json() == {"text": text}
    assert first.url == f"https://x.com/i/web/status/{first.platform_id}"
    assert x_account.find("key-1") is None  # X keeps nothing hidden (module docstring)
    # The worker died before recording `first`: X refuses the duplicate, the connector finds it.
    again = connector(base).publish(text, "key-1")
    assert again == first and len(state["posts"]) == 1
    x_account.delete(first.platform_id)
    assert state["posts"] == {}
    x_account.delete(first.platform_id)  # already gone: fine
    deletes = [s for s in state["seen"] if s.method == "DELETE"]
    assert [d.path for d in deletes] == [f"/2/tweets/{first.platform_id}"] * 2


def test_images_are_uploaded_described_and_attached(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    images = [
        MediaItem(b"\x89PNG-one", "image/png", "Poster with clinic hours"),
        MediaItem(b"\xff\xd8-two", "image/jpeg"),
    ]
    published = connector(base).publish("Open house next week", "key-2", images)
    uploads = [s for s in state["seen"] if s.path == "/2/media/upload" and s.method == "POST"]
    assert len(uploads) == 2
    assert all(s.headers["content-type"].startswith("multipart/form-data") for s in uploads)
    media_ids = state["seen"][-1].json()["media"]["media_ids"]
    assert [state["media"][m]["bytes"] for m in media_ids] == [b"\x89PNG-one", b"\xff\xd8-two"]
    assert {state["media"][m]["category"] for m in media_ids} == {"tweet_image"}
    assert state["media"][media_ids[0]]["alt_text"] == "Poster with clinic hours"
    assert "alt_text" not in state["media"][media_ids[1]]  # no empty description sent
    assert published.platform_id in state["posts"]


def test_video_goes_in_chunks_and_waits_for_processing(
    platform: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, state = platform
    monkeypatch.setattr(x, "CHUNK_BYTES", 10)
    waits: list[float] = []
    video = bytes(range(25))
    account = XConnector(TOKEN, base_url=base, sleep=waits.append)
    account.publish("A tour of the new wing", "key-3", [MediaItem(video, "video/mp4")])
    paths = [s.path for s in state["seen"] if s.path.startswith("/2/media")]
    media_id = next(iter(state["media"]))
    assert paths == ["/2/media/upload/initialize"] + [f"/2/media/upload/{media_id}/append"] * 3 + [
        f"/2/media/upload/{media_id}/finalize", "/2/media/upload", "/2/media/upload"]  # fmt: skip
    init = next(s for s in state["seen"] if s.path.endswith("/initialize")).json()
    assert init == {"media_type": "video/mp4", "total_bytes": 25, "media_category": "tweet_video"}
    assert state["media"][media_id]["bytes"] == video
    assert waits == [1.0, 2.0]  # as the server's check_after_secs asked
    assert state["seen"][-1].json()["media"] == {"media_ids": [media_id]}


def test_reply_names_the_post_answered(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    connector(base).publish(
        "Thank you for the kind words!", "key-4", reply_to="1700000000000000042"
    )
    assert state["seen"][-1].json()["reply"] == {"in_reply_to_tweet_id": "1700000000000000042"}


def test_mentions_are_fetched_page_by_page_since_a_time(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    state["users"] = [{"id": "11", "username": "sam_walker", "name": "Sam Walker"},
                      {"id": "12", "username": "pat_jones", "name": "Pat Jones"}]  # fmt: skip
    state["mentions"] = [
        {"id": "21", "text": "@riverside_clinic are you open Monday?", "author_id": "11", "created_at": "2026-11-30T09:00:00.000Z"},
        {"id": "22", "text": "Thanks for the help", "author_id": "12", "created_at": "2026-11-30T10:00:00.000Z",
         "in_reply_to_user_id": ME, "referenced_tweets": [{"type": "replied_to", "id": "1800000000000000001"}]},
        {"id": "23", "text": "@riverside_clinic parking?", "author_id": "11", "created_at": "2026-11-30T11:00:00.000Z"},
        {"id": "20", "text": "old news", "author_id": "12", "created_at": "2026-11-01T08:00:00.000Z"},
    ]  # fmt: skip
    found = connector(base).fetch_inbound(datetime(2026, 11, 29, tzinfo=UTC))
    assert [(i.external_id, i.kind, i.author) for i in found] == [
        ("21", InboundKind.MENTION, "@sam_walker"),
        ("22", InboundKind.REPLY, "@pat_jones"),
        ("23", InboundKind.MENTION, "@sam_walker"),
    ]
    assert found[0].received_at == datetime(2026, 11, 30, 9, tzinfo=UTC)
    calls = [s for s in state["seen"] if s.path.endswith("/mentions")]
    assert [c.path for c in calls] == [f"/2/users/{ME}/mentions"] * 2  # id from /2/users/me
    assert calls[0].query["start_time"] == "2026-11-29T00:00:00Z"
    assert calls[0].query["expansions"] == "author_id"
    assert calls[1].query["pagination_token"] == "2"
    assert len(connector(base).fetch_inbound(None)) == 4


def test_errors_are_classified_without_the_post_text(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    private = "Get well soon Margaret Okafor, room 12 misses you " * 8
    with pytest.raises(ConnectorError) as invalid:
        connector(base).publish(private, "key-5")
    assert not invalid.value.retryable and "too long" in str(invalid.value)
    assert "Margaret" not in str(invalid.value) and "HTTP 400" in str(invalid.value)
    with pytest.raises(ConnectorError) as expired:
        connector(base, "revoked").publish("hello", "key-6")
    assert not expired.value.retryable and "reconnect the X account" in str(expired.value)
    state["rate_limited"] = True
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish("hello", "key-7")
    assert limited.value.retryable
    assert limited.value.retry_after is not None and 30 <= limited.value.retry_after <= 41
    state["rate_limited"], state["down"] = False, True
    with pytest.raises(ConnectorError) as down:
        connector(base).delete("1800000000000000001")
    assert down.value.retryable and "503" in str(down.value)
    with pytest.raises(ConnectorError) as too_many:
        connector(base).publish("hi", "key-8", [MediaItem(b"v", "video/mp4")] * 2)
    assert not too_many.value.retryable and "one video" in str(too_many.value)


def test_an_unreachable_server_is_retried() -> None:
    with pytest.raises(ConnectorError) as unreachable:
        connector("http://127.0.0.1:9").publish("hello", "key-9")
    assert unreachable.value.retryable and "could not reach X" in str(unreachable.value)
