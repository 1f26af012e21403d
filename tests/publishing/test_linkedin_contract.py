"""The LinkedIn connector against a local server that reproduces the documented versioned REST
shapes: Posts (create with x-restli-id, get, delete, find by author), Images and Videos uploads,
Comments on posts and on comments, and their errors (401 expired token, 403 permissions, 426
unknown version, 422 validation and DUPLICATE_POST, 429 without a reset header, 500).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.linkedin import LinkedInConnector, little_text
from tests.publishing.local_server import Seen, record_requests, serve

TOKEN = "li-org-token"
VERSION = "202511"
ORG = "urn:li:organization:2414183"


def problem(status: int, message: str, code: str, service_code: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return JSONResponse(body, status_code=status)


def unescaped(commentary: str) -> str:
    text = commentary
    while "{hashtag|\\#|" in text:
        start = text.index("{hashtag|\\#|")
        end = text.index("}", start)
        text = text[:start] + "#" + text[start + 12 : end] + text[end + 1 :]
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def fake_linkedin(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()
    record_requests(server, state["seen"])

    def refused(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return problem(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65602)  # fmt: skip
        if request.headers.get("linkedin-version") != VERSION:
            return problem(426, f"Requested version {request.headers.get('linkedin-version')} is not active", "NONEXISTENT_VERSION")  # fmt: skip
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return problem(400, "Rest.li protocol version 2.0.0 is required", "BAD_REQUEST")
        if state.get("readonly"):
            return problem(403, "Not enough permissions to access: partnerApiPostsExternal.CREATE.20251101", "ACCESS_DENIED", 100)  # fmt: skip
        if state.get("throttled"):
            throttled = problem(429, "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.", "TOO_MANY_REQUESTS")  # fmt: skip
            if state.get("retry_after"):  # not documented for LinkedIn, honoured when sent
                throttled.headers["Retry-After"] = state["retry_after"]
            return throttled
        if state.get("down"):
            return problem(500, "Internal Server Error", "INTERNAL_SERVER_ERROR")
        return None

    @server.post("/rest/posts")
    async def create_post(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        text = unescaped(body["commentary"])
        if len(body["commentary"]) > 3000:
            return problem(422, f"ERROR :: /commentary :: length exceeds 3000: {body['commentary']}", "UNPROCESSABLE_ENTITY")  # fmt: skip
        earlier = state["texts"].get(text)
        if earlier is not None:
            return JSONResponse({"errorDetailType": "com.linkedin.common.error.BadRequest",
                                 "message": f"com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of {earlier}",
                                 "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}]},
                                 "status": 422}, status_code=422)  # fmt: skip
        media = body.get("content", {}).get("media")
        for item in [media] if media else body.get("content", {}).get("multiImage", {}).get("images", []):  # fmt: skip
            asset = state["assets"].get(item["id"])
            if asset is None or asset.get("status") not in ("AVAILABLE", None):
                return problem(422, f"ERROR :: /content/media/id :: {item['id']} is not available", "UNPROCESSABLE_ENTITY")  # fmt: skip
        urn = f"urn:li:share:{7300000000000000000 + len(state['texts']) + 1}"
        state["posts"][urn] = {**body, "id": urn}
        state["texts"][text] = urn
        return Response(status_code=201, headers={"x-restli-id": urn})

    @server.get("/rest/posts/{urn}")
    async def get_post(urn: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        if urn not in state["posts"]:
            return problem(404, f"Post {urn} not found", "NOT_FOUND")
        return JSONResponse(state["posts"][urn])

    @server.get("/rest/posts")
    async def find_posts(request: Request, author: str, q: str) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        posts = [p for p in reversed(state["posts"].values()) if p["author"] == author]
        return JSONResponse({"elements": posts, "paging": {"start": 0, "count": 20, "links": [], "total": len(posts)}})  # fmt: skip

    @server.delete("/rest/posts/{urn}")
    async def delete_post(urn: str, request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        if state["posts"].pop(urn, None) is None:
            return problem(404, f"Post {urn} not found", "NOT_FOUND")
        return Response(status_code=204)

    @server.post("/rest/images")
    async def images(request: Request, action: str) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        urn = f"urn:li:image:C4E10AQ{len(state['assets']) + 1}"
        state["assets"][urn] = {"owner": body["initializeUploadRequest"]["owner"], "status": "WAITING_UPLOAD"}  # fmt: skip
        upload = f"{state['base']}/dms-uploads/{len(state['assets'])}"
        state["uploads"][upload.rsplit("/", 1)[-1]] = urn
        return JSONResponse({"value": {"uploadUrlExpiresAt": int(time.time() * 1000) + 3600000, "uploadUrl": upload, "image": urn}})  # fmt: skip

    @server.put("/dms-uploads/{slot}")
    async def upload(slot: str, request: Request) -> Response:
        urn = state["uploads"][slot]
        asset = state["assets"][urn]
        asset.setdefault("parts", []).append(await request.body())
        asset["status"] = "AVAILABLE" if urn.startswith("urn:li:image") else "UPLOADING"
        return Response(status_code=201, headers={"ETag": f"/etag-{slot}"})

    @server.post("/rest/videos")
    async def videos(request: Request, action: str) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        if action == "initializeUpload":
            size = body["initializeUploadRequest"]["fileSizeBytes"]
            urn = f"urn:li:video:C5F10AQ{len(state['assets']) + 1}"
            state["assets"][urn] = {"status": "WAITING_UPLOAD", "checks": 0}
            parts = []
            for first in range(0, size, state["part_bytes"]):
                slot = f"v{len(state['uploads']) + 1}"
                state["uploads"][slot] = urn
                parts.append({"uploadUrl": f"{state['base']}/dms-uploads/{slot}", "firstByte": first,
                              "lastByte": min(first + state["part_bytes"], size) - 1})  # fmt: skip
            return JSONResponse({"value": {"uploadUrlsExpireAt": int(time.time() * 1000) + 3600000, "video": urn,
                                           "uploadInstructions": parts, "uploadToken": ""}})  # fmt: skip
        request_ = body["finalizeUploadRequest"]
        slots = [s for s, u in state["uploads"].items() if u == request_["video"]]
        if request_["uploadedPartIds"] != [f"/etag-{s}" for s in slots]:
            return problem(400, "uploadedPartIds do not match the uploaded parts", "BAD_REQUEST")
        state["assets"][request_["video"]]["status"] = "PROCESSING"
        return Response(status_code=200)

    @server.get("/rest/videos/{urn}")
    async def video(urn: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        asset = state["assets"][urn]
        asset["checks"] += 1
        if asset["checks"] >= 2:
            asset["status"] = "AVAILABLE"
        return JSONResponse({"id": urn, "status": asset["status"], "owner": ORG})

    @server.post("/rest/socialActions/{target}/comments")
    async def comment(target: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        activity = body["object"]
        comment_id = str(7400000000000000000 + len(state["comments"]) + 1)
        urn = f"urn:li:comment:({activity},{comment_id})"
        created = {"actor": body["actor"], "time": int(time.time() * 1000)}
        item = {"actor": body["actor"], "commentUrn": urn, "$URN": urn, "id": comment_id, "object": activity,
                "message": body["message"], "created": created, "lastModified": created}  # fmt: skip
        if "parentComment" in body:
            item["parentComment"] = body["parentComment"]
        state["comments"].setdefault(target, []).append(item)
        return JSONResponse(item, status_code=201, headers={"x-restli-id": comment_id})

    @server.get("/rest/socialActions/{target}/comments")
    async def comments(target: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        items = state["comments"].get(target, [])
        return JSONResponse({"elements": items, "paging": {"start": 0, "count": 10, "total": len(items)}})  # fmt: skip

    @server.delete("/rest/socialActions/{target}/comments/{comment_id}")
    async def delete_comment(target: str, comment_id: str, request: Request, actor: str) -> Response:  # fmt: skip
        if (answer := refused(request)) is not None:
            return answer
        for items in state["comments"].values():
            for item in items:
                if item["id"] == comment_id and item["object"] == target:
                    items.remove(item)
                    return Response(status_code=204)
        return problem(404, "Comment not found", "NOT_FOUND")

    return server


@pytest.fixture
def platform() -> Iterator[tuple[str, dict[str, Any]]]:
    seen: list[Seen] = []
    state: dict[str, Any] = {"posts": {}, "texts": {}, "assets": {}, "uploads": {}, "comments": {},
                             "seen": seen, "part_bytes": 10}  # fmt: skip
    with serve(fake_linkedin(state)) as base:
        state["base"] = base
        yield base, state


def connector(base: str, token: str = TOKEN, version: str = VERSION) -> LinkedInConnector:
    return LinkedInConnector(token, "2414183", version, base_url=base, sleep=lambda s: None)


def test_publish_reconciles_after_a_crash_and_delete_removes(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    page = connector(base)
    text = "Flu clinic (Saturday) at 9-12 #FluShots | bring your card"
    first = page.publish(text, "key-1")
    create = next(s for s in state["seen"] if s.method == "POST" and s.path == "/rest/posts")
    assert create.headers["linkedin-version"] == VERSION
    assert create.headers["x-restli-protocol-version"] == "2.0.0"
    assert create.headers["authorization"] == f"Bearer {TOKEN}"
    sent = create.json()
    assert sent["author"] == ORG and sent["visibility"] == "PUBLIC"
    assert sent["lifecycleState"] == "PUBLISHED"
    assert sent["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert sent["commentary"] == little_text(text) and unescaped(sent["commentary"]) == text
    assert "{hashtag|\\#|FluShots}" in sent["commentary"] and "\\(Saturday\\)" in sent["commentary"]
    assert first.platform_id in state["posts"]
    assert first.url == f"https://www.linkedin.com/feed/update/{first.platform_id}/"
    assert page.find("key-1") is None  # LinkedIn keeps nothing hidden (module docstring)
    # The worker died before recording `first`: LinkedIn names the duplicate, it is returned.
    assert connector(base).publish(text, "key-1") == first and len(state["posts"]) == 1
    page.delete(first.platform_id)
    assert state["posts"] == {}
    delete = next(s for s in state["seen"] if s.method == "DELETE")
    assert delete.raw_path == f"/rest/posts/{quote(first.platform_id, safe='')}"
    assert delete.headers["x-restli-method"] == "DELETE"
    page.delete(first.platform_id)  # already gone: fine
    with pytest.raises(ConnectorError) as ghost:  # LinkedIn still refuses the deleted text
        page.publish(text, "key-1")
    assert not ghost.value.retryable and "deleted" in str(ghost.value)


def test_images_are_uploaded_then_attached(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    one = connector(base).publish("Our new lobby", "key-2", [MediaItem(b"png-1", "image/png", "Lobby with chairs")])  # fmt: skip
    media = state["posts"][one.platform_id]["content"]["media"]
    assert media["altText"] == "Lobby with chairs"
    assert state["assets"][media["id"]]["parts"] == [b"png-1"]
    assert state["assets"][media["id"]]["owner"] == ORG
    put = next(s for s in state["seen"] if s.method == "PUT")
    assert put.headers["content-type"] == "image/png"
    two = connector(base).publish("Before and after", "key-3",
                                  [MediaItem(b"jpg-a", "image/jpeg"), MediaItem(b"jpg-b", "image/jpeg")])  # fmt: skip
    images = state["posts"][two.platform_id]["content"]["multiImage"]["images"]
    assert [state["assets"][i["id"]]["parts"] for i in images] == [[b"jpg-a"], [b"jpg-b"]]


def test_video_is_uploaded_in_parts_finalized_and_awaited(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    video = bytes(range(25))
    published = connector(base).publish("Meet our nurses", "key-4", [MediaItem(video, "video/mp4")])
    urn = state["posts"][published.platform_id]["content"]["media"]["id"]
    assert b"".join(state["assets"][urn]["parts"]) == video
    init = next(s for s in state["seen"] if s.query.get("action") == "initializeUpload")
    assert init.json()["initializeUploadRequest"]["fileSizeBytes"] == 25
    checks = [s for s in state["seen"] if s.method == "GET" and s.path.startswith("/rest/videos/")]
    assert len(checks) == 2 and checks[0].raw_path == f"/rest/videos/{quote(urn, safe='')}"


def test_replies_nest_under_the_comment_and_can_be_deleted(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    post = connector(base).publish("Open house Friday", "key-5")
    activity = "urn:li:activity:7300000000000009999"
    question = f"urn:li:comment:({activity},7400000000000000777)"
    reply = connector(base).publish("Yes, parking is free.", "key-6", reply_to=question)
    sent = state["seen"][-1]
    assert sent.raw_path == f"/rest/socialActions/{quote(question, safe='')}/comments"
    assert sent.headers["linkedin-version"] == VERSION
    assert sent.json() == {"actor": ORG, "object": activity, "parentComment": question,
                           "message": {"text": "Yes, parking is free."}}  # fmt: skip
    assert reply.platform_id.startswith(f"urn:li:comment:({activity},")
    connector(base).delete(reply.platform_id)
    delete = state["seen"][-1]
    comment_id = reply.platform_id.rsplit(",", 1)[1].rstrip(")")
    assert delete.raw_path == f"/rest/socialActions/{quote(activity, safe='')}/comments/{comment_id}?actor={quote(ORG, safe='')}"  # fmt: skip
    assert state["comments"][question] == []
    assert post.platform_id in state["posts"]


def test_comments_on_the_pages_posts_are_fetched(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    post = connector(base).publish("Holiday hours", "key-7")
    now_ms = int(time.time() * 1000)
    state["comments"][post.platform_id] = [
        {"actor": "urn:li:person:Ab12Cd", "commentUrn": "urn:li:comment:(urn:li:activity:1,11)", "id": "11",
         "object": "urn:li:activity:1", "message": {"text": "Open on the 24th?"}, "created": {"time": now_ms - 1000}},
        {"actor": ORG, "commentUrn": "urn:li:comment:(urn:li:activity:1,12)", "id": "12",
         "object": "urn:li:activity:1", "message": {"text": "Until noon."}, "created": {"time": now_ms - 500}},
        {"actor": "urn:li:person:Ef34Gh", "commentUrn": "urn:li:comment:(urn:li:activity:1,13)", "id": "13",
         "object": "urn:li:activity:1", "message": {"text": "Thanks!"}, "created": {"time": now_ms - 200},
         "parentComment": "urn:li:comment:(urn:li:activity:1,11)"},
        {"actor": "urn:li:person:Ij56Kl", "commentUrn": "urn:li:comment:(urn:li:activity:1,10)", "id": "10",
         "object": "urn:li:activity:1", "message": {"text": "old"}, "created": {"time": now_ms - 86400000 * 3}},
    ]  # fmt: skip
    found = connector(base).fetch_inbound(datetime.now(UTC) - timedelta(days=1))
    assert [(i.external_id, i.kind, i.author, i.text) for i in found] == [
        ("urn:li:comment:(urn:li:activity:1,11)", InboundKind.COMMENT, "urn:li:person:Ab12Cd", "Open on the 24th?"),
        ("urn:li:comment:(urn:li:activity:1,13)", InboundKind.REPLY, "urn:li:person:Ef34Gh", "Thanks!"),
    ]  # fmt: skip
    listing = next(s for s in state["seen"] if s.method == "GET" and s.path == "/rest/posts")
    assert listing.query["author"] == ORG and listing.query["q"] == "author"
    assert f"?author={quote(ORG, safe='')}&q=author" in listing.raw_path
    assert len(connector(base).fetch_inbound(None)) == 3


def test_errors_are_classified_without_the_post_text(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    private = "Wishing (Dana Whitfield) a quick recovery after her surgery on ward 4B. " * 45
    with pytest.raises(ConnectorError) as invalid:
        connector(base).publish(private, "key-8")
    assert not invalid.value.retryable and "length exceeds 3000" in str(invalid.value)
    assert "Whitfield" not in str(invalid.value) and "HTTP 422" in str(invalid.value)
    with pytest.raises(ConnectorError) as expired:
        connector(base, "expired").publish("hello", "key-9")
    assert not expired.value.retryable and "reconnect the LinkedIn account" in str(expired.value)
    with pytest.raises(ConnectorError) as version:
        connector(base, version="202301").publish("hello", "key-10")
    assert not version.value.retryable and "api_version" in str(version.value)
    state["readonly"] = True
    with pytest.raises(ConnectorError) as forbidden:
        connector(base).publish("hello", "key-11")
    assert not forbidden.value.retryable and "Not enough permissions" in str(forbidden.value)
    state["readonly"], state["throttled"] = False, True
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish("hello", "key-12")
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert limited.value.retryable and limited.value.retry_after is not None
    assert abs(limited.value.retry_after - (midnight - now).total_seconds()) < 5
    state["throttled"], state["down"] = False, True
    with pytest.raises(ConnectorError) as down:
        connector(base).delete("urn:li:share:1")
    assert down.value.retryable and "500" in str(down.value)
    with pytest.raises(ConnectorError) as mixed:
        connector(base).publish("hi", "key-13", [MediaItem(b"v", "video/mp4"), MediaItem(b"i", "image/png")])  # fmt: skip
    assert not mixed.value.retryable and "one video" in str(mixed.value)
    with pytest.raises(ConnectorError) as unreachable:
        connector("http://127.0.0.1:9").publish("hello", "key-14")
    assert unreachable.value.retryable and "could not reach LinkedIn" in str(unreachable.value)


def test_a_retry_after_header_is_honoured(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    state["throttled"], state["retry_after"] = True, "120"
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish("hello", "key-15")
    assert limited.value.retryable and limited.value.retry_after == 120.0
