"""The Pinterest connector against a local server that reproduces the documented API v5 shapes:
Create Pin (image_base64, multiple_image_base64, video_id), a board's pins paged by bookmark,
Delete Pin, Register media upload with its storage form and status, and the errors (400 invalid
parameters, 401 authentication failed, 403 not permitted, 404, 429, 503)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.pinterest import PinterestConnector
from tests.publishing.local_server import Seen, record_requests, serve

TOKEN = "pina_test_token"
BOARD = "549755885175"


def error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def fake_pinterest(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()
    record_requests(server, state["seen"])

    def refused(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(401, 2, "Authentication failed.")
        if state.get("not_permitted"):
            return error(403, 29, "You are not permitted to access that resource.")
        if state.get("rate_limited"):
            limited = error(429, 8, "You have exceeded your rate limit. Try again later.")
            if state.get("retry_after"):
                limited.headers["Retry-After"] = state["retry_after"]
            return limited
        if state.get("down"):
            return error(503, 0, "Service unavailable.")
        return None

    @server.post("/v5/pins")
    async def create_pin(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        body = await request.json()
        if body["board_id"] != BOARD:
            return error(404, 40, "Board not found.")
        if len(body.get("description", "")) > 800:
            return error(400, 1, f"Invalid parameters. description: '{body['description']}' is longer than 800 characters")  # fmt: skip
        source = body["media_source"]
        if source["source_type"] == "image_base64":
            images = [source]
        elif source["source_type"] == "multiple_image_base64":
            images = source["items"]
        else:
            images = []
            if state["media"].get(source["media_id"], {}).get("status") != "succeeded":
                return error(400, 1, "Invalid parameters. media_source: the video is not ready")
        if any(i["content_type"] not in ("image/jpeg", "image/png") for i in images):
            return error(400, 1, "Invalid parameters. media_source: content_type")
        pin_id = str(1125000000000000 + len(state["pins"]) + 1)
        pin = {"id": pin_id, "created_at": "2026-11-30T10:00:00", "link": None, "title": body.get("title"),
               "description": body.get("description"), "alt_text": body.get("alt_text"), "board_id": body["board_id"],
               "board_section_id": None, "board_owner": {"username": "riversideclinic"}, "note": body.get("note"),
               "creative_type": "REGULAR", "is_owner": True, "media": {"media_type": "image"},
               "_source": source}  # fmt: skip
        state["pins"][pin_id] = pin
        return JSONResponse({k: v for k, v in pin.items() if k != "_source"}, status_code=201)

    @server.get("/v5/boards/{board_id}/pins")
    async def board_pins(board_id: str, request: Request, page_size: int = 25, bookmark: str | None = None) -> JSONResponse:  # fmt: skip
        if (answer := refused(request)) is not None:
            return answer
        pins = [{k: v for k, v in p.items() if k != "_source"} for p in reversed(state["pins"].values())]  # fmt: skip
        start = int(bookmark) if bookmark else 0
        more = start + page_size < len(pins)
        return JSONResponse({"items": pins[start : start + page_size], "bookmark": str(start + page_size) if more else None})  # fmt: skip

    @server.delete("/v5/pins/{pin_id}")
    async def delete_pin(pin_id: str, request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        if state["pins"].pop(pin_id, None) is None:
            return error(404, 50, "Pin not found.")
        return Response(status_code=204)

    @server.post("/v5/media")
    async def register(request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        assert (await request.json()) == {"media_type": "video"}
        media_id = str(5000 + len(state["media"]) + 1)
        state["media"][media_id] = {"status": "registered", "checks": 0}
        parameters = {"x-amz-date": "20261130T100000Z", "x-amz-signature": "abc123", "x-amz-security-token": "tok",
                      "x-amz-algorithm": "AWS4-HMAC-SHA256", "key": f"uploads/{media_id}", "policy": "eyJ...",
                      "x-amz-credential": "AKIA/20261130/us-east-1/s3/aws4_request", "Content-Type": "multipart/form-data"}  # fmt: skip
        return JSONResponse({"media_id": media_id, "media_type": "video", "upload_url": f"{state['base']}/storage",
                             "upload_parameters": parameters}, status_code=201)  # fmt: skip

    @server.post("/storage")
    async def storage(request: Request) -> Response:
        form = await request.form()
        if "authorization" in request.headers or form.get("x-amz-signature") != "abc123":
            return Response("<Error><Code>AccessDenied</Code></Error>", status_code=403)
        media_id = str(form["key"]).rsplit("/", 1)[1]
        state["media"][media_id].update(status="processing", data=await form["file"].read())  # type: ignore[union-attr]
        return Response(status_code=204)

    @server.get("/v5/media/{media_id}")
    async def media_status(media_id: str, request: Request) -> JSONResponse:
        if (answer := refused(request)) is not None:
            return answer
        item = state["media"][media_id]
        item["checks"] += 1
        if item["status"] == "processing" and item["checks"] >= 2:
            item["status"] = "succeeded"
        return JSONResponse({"media_id": media_id, "media_type": "video", "status": item["status"]})

    return server


@pytest.fixture
def platform() -> Iterator[tuple[str, dict[str, Any]]]:
    seen: list[Seen] = []
    state: dict[str, Any] = {"pins": {}, "media": {}, "seen": seen}
    with serve(fake_pinterest(state)) as base:
        state["base"] = base
        yield base, state


def connector(base: str, token: str = TOKEN) -> PinterestConnector:
    return PinterestConnector(token, BOARD, base_url=base, sleep=lambda s: None)


PNG = MediaItem(b"\x89PNG\r\n\x1a\n-poster", "image/png", "Poster: flu shots Saturday")


def test_publish_find_delete_round_trip(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    board = connector(base)
    text = "Flu shots this Saturday\nWalk in between 9 and 12, no appointment needed."
    published = board.publish(text, "key-1", [PNG])
    sent = next(s for s in state["seen"] if s.path == "/v5/pins").json()
    assert sent["board_id"] == BOARD and sent["description"] == text
    assert sent["title"] == "Flu shots this Saturday" and sent["alt_text"] == PNG.alt_text
    assert sent["media_source"]["source_type"] == "image_base64"
    assert sent["media_source"]["content_type"] == "image/png"
    assert base64.b64decode(sent["media_source"]["data"]) == PNG.data
    assert "key-1" in sent["note"] and "key-1" not in sent["description"]
    assert published.url == f"https://www.pinterest.com/pin/{published.platform_id}/"
    for n in range(120):  # the pin is now on the board's second page
        board.publish(f"Tip {n}", f"other-{n}", [PNG])
    assert board.find("key-1") == published
    lookups = [s for s in state["seen"] if s.path == f"/v5/boards/{BOARD}/pins"]
    assert [s.query.get("bookmark") for s in lookups] == [None, "100"]
    assert board.find("never-published") is None
    board.delete(published.platform_id)
    assert published.platform_id not in state["pins"]
    board.delete(published.platform_id)  # already gone: fine
    assert board.find("key-1") is None


def test_a_pin_needs_an_image_and_has_no_replies(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    with pytest.raises(ConnectorError) as no_image:
        connector(base).publish("Text alone", "key-2")
    assert not no_image.value.retryable and "needs an image or a video" in str(no_image.value)
    with pytest.raises(ConnectorError) as reply:
        connector(base).publish("Thanks!", "key-3", [PNG], reply_to="1125000000000000001")
    assert not reply.value.retryable and "no replies" in str(reply.value)
    with pytest.raises(ConnectorError) as gif:
        connector(base).publish("Animated", "key-4", [MediaItem(b"GIF89a", "image/gif")])
    assert not gif.value.retryable and "image/gif" in str(gif.value)
    assert state["seen"] == []  # refused before anything was sent
    assert not hasattr(connector(base), "fetch_inbound")  # Pinterest offers no comments to read


def test_several_images_make_a_carousel(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    images = [MediaItem(b"jpeg-%d" % n, "image/jpeg") for n in range(3)]
    published = connector(base).publish("Our three clinics", "key-5", images)
    source = state["pins"][published.platform_id]["_source"]
    assert source["source_type"] == "multiple_image_base64"
    assert [base64.b64decode(i["data"]) for i in source["items"]] == [m.data for m in images]
    with pytest.raises(ConnectorError) as too_many:
        connector(base).publish("Too many", "key-6", [PNG] * 6)
    assert not too_many.value.retryable and "five images" in str(too_many.value)


def test_video_is_registered_uploaded_to_storage_and_awaited(
    platform: tuple[str, dict[str, Any]],
) -> None:
    base, state = platform
    video = MediaItem(b"\x00\x00\x00\x18ftypmp42-video", "video/mp4")
    published = connector(base).publish("A tour of the new wing", "key-7", [video, PNG])
    media_id, item = next(iter(state["media"].items()))
    assert item["data"] == video.data and item["status"] == "succeeded"
    upload = next(s for s in state["seen"] if s.path == "/storage")
    assert "authorization" not in upload.headers  # the token stays with Pinterest's API
    source = state["pins"][published.platform_id]["_source"]
    assert source["source_type"] == "video_id" and source["media_id"] == media_id
    assert base64.b64decode(source["cover_image_data"]) == PNG.data
    assert source["cover_image_content_type"] == "image/png"
    checks = [s for s in state["seen"] if s.path == f"/v5/media/{media_id}"]
    assert len(checks) == 2


def test_errors_are_classified_without_the_post_text(platform: tuple[str, dict[str, Any]]) -> None:
    base, state = platform
    private = "Congratulations to Lucia Moreno on her discharge from the cardiac unit today! " * 12
    with pytest.raises(ConnectorError) as invalid:
        connector(base).publish(private, "key-8", [PNG])
    assert not invalid.value.retryable and "longer than 800" in str(invalid.value)
    assert "Moreno" not in str(invalid.value) and "code 1" in str(invalid.value)
    with pytest.raises(ConnectorError) as expired:
        connector(base, "expired").publish("hello", "key-9", [PNG])
    assert not expired.value.retryable and "reconnect the Pinterest account" in str(expired.value)
    with pytest.raises(ConnectorError) as wrong_board:
        PinterestConnector(TOKEN, "1", base_url=base).publish("hello", "key-10", [PNG])
    assert not wrong_board.value.retryable and "Board not found" in str(wrong_board.value)
    state["not_permitted"] = True
    with pytest.raises(ConnectorError) as forbidden:
        connector(base).delete("1125000000000000001")
    assert not forbidden.value.retryable and "not permitted" in str(forbidden.value)
    state["not_permitted"], state["rate_limited"] = False, True
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish("hello", "key-11", [PNG])
    assert limited.value.retryable and limited.value.retry_after == 60.0
    state["retry_after"] = "17"
    with pytest.raises(ConnectorError) as told:
        connector(base).find("key-11")
    assert told.value.retryable and told.value.retry_after == 17.0
    state["rate_limited"], state["down"] = False, True
    with pytest.raises(ConnectorError) as down:
        connector(base).publish("hello", "key-12", [PNG])
    assert down.value.retryable and "503" in str(down.value)
    with pytest.raises(ConnectorError) as unreachable:
        connector("http://127.0.0.1:9").publish("hello", "key-13", [PNG])
    assert unreachable.value.retryable and "could not reach Pinterest" in str(unreachable.value)
