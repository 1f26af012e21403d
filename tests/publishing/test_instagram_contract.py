"""The Instagram connector against a local Graph API that reproduces the documented content
publishing flow (POST /{ig-user-id}/media from a public media URL, container status, POST
/{ig-user-id}/media_publish), GET /{ig-user-id}/media, comments and replies, with Graph's errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.graph_api import GRAPH_API_VERSION
from phigate.publishing.instagram import InstagramConnector
from phigate.publishing.media_urls import media_file_name
from phigate.publishing.registry import PLATFORMS, connect
from tests.publishing.local_server import Recorder, serve

IG_USER = "17841400000000001"
TOKEN = "ig-token"
V = f"/{GRAPH_API_VERSION}"
PHOTO = MediaItem(b"\xff\xd8\xff\xe0photo-bytes", "image/jpeg", "Two nurses at the front desk")


def graph_error(status: int, code: int, message: str, subcode: int | None = None, headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "XyZ",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def fake_instagram(state: dict[str, Any]) -> FastAPI:
    app = FastAPI()

    def refusal(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return graph_error(
                400,
                190,
                "Error validating access token: The user has not authorized application.",
                458,
            )
        if state.get("throttled"):
            usage = {
                IG_USER: [
                    {
                        "type": "instagram",
                        "call_count": 100,
                        "total_cputime": 5,
                        "total_time": 5,
                        "estimated_time_to_regain_access": 3,
                    }
                ]
            }
            return graph_error(
                400,
                4,
                "Application request limit reached",
                headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
            )
        if state.get("down"):
            return graph_error(503, 2, "Service temporarily unavailable")
        return None

    def new_id() -> str:
        state["next"] += 1
        return str(state["next"])

    @app.get("/approved-media/{name}")
    async def approved(name: str) -> Response:
        if name not in state["served"]:
            return Response(status_code=404)
        return Response(state["served"][name])

    @app.post(V + "/{user}/media")
    async def create_container(user: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = {k: str(v) for k, v in (await request.form()).items()}
        if form.get("media_type") == "CAROUSEL":
            children = form["children"].split(",")
            if not all(
                c in state["containers"]
                and state["containers"][c]["carousel_item"]
                and state["containers"][c]["checks_left"] <= 0  # processed before use
                for c in children
            ):
                return graph_error(400, 100, "(#100) The children are invalid")
            downloaded = None
        else:
            url = form.get("image_url") or form.get("video_url")
            if url is None:
                return graph_error(400, 100, "(#100) The parameter image_url is required.")
            async with httpx.AsyncClient() as fetch:  # the Graph API downloads the media itself
                got = await fetch.get(url)
            if got.status_code != 200:
                return graph_error(
                    400, 9004, "The media could not be fetched from this uri", 2207052
                )
            downloaded = got.content
        container = new_id()
        state["containers"][container] = {**form, "bytes": downloaded, "carousel_item": form.get("is_carousel_item") == "true",
                                          "checks_left": state["processing_checks"]}  # fmt: skip
        return JSONResponse({"id": container})

    @app.post(V + "/{user}/media_publish")
    async def media_publish(user: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        container = state["containers"].get(str(form.get("creation_id")))
        if container is None or container["checks_left"] > 0:
            return graph_error(400, 9007, "Media ID is not available", 2207027)
        media_id = new_id()
        state["media"].insert(
            0,
            {
                "id": media_id,
                "caption": container.get("caption", ""),
                "container": container,
                "comments": [],
            },
        )
        return JSONResponse({"id": media_id})

    @app.get(V + "/{user}/media")
    async def list_media(user: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        limit = int(request.query_params.get("limit", "25"))
        data = [{"id": m["id"], "caption": m["caption"], "permalink": f"https://www.instagram.com/p/{m['id']}/", "timestamp": "2026-11-23T09:00:00+0000",
                 "comments_count": len(m["comments"])} for m in state["media"][:limit]]  # fmt: skip
        return JSONResponse({"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}})

    @app.get(V + "/{media_id}/comments")
    async def comments(media_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        media = next(m for m in state["media"] if m["id"] == media_id)
        return JSONResponse({"data": media["comments"]})

    @app.post(V + "/{comment_id}/replies")
    async def replies(comment_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        for media in state["media"]:
            for comment in media["comments"]:
                if comment["id"] == comment_id:
                    reply_id = new_id()
                    comment.setdefault("replies", {"data": []})["data"].append(
                        {"id": reply_id, "text": str(form["message"]), "timestamp": "2026-11-23T12:00:00+0000", "username": "cedarridgeclinic", "from": {"id": IG_USER, "username": "cedarridgeclinic"}})  # fmt: skip
                    return JSONResponse({"id": reply_id})
        return graph_error(
            400, 100, f"Unsupported post request. Object with ID '{comment_id}' does not exist", 33
        )

    @app.get(V + "/{object_id}")
    async def read(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        if object_id in state["containers"]:
            container = state["containers"][object_id]
            container["checks_left"] -= 1
            status = "IN_PROGRESS" if container["checks_left"] > 0 else "FINISHED"
            return JSONResponse({"status_code": status, "id": object_id})
        return JSONResponse(
            {"permalink": f"https://www.instagram.com/p/{object_id}/", "id": object_id}
        )

    @app.delete(V + "/{object_id}")
    async def delete(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        for media in state["media"]:
            for comment in media["comments"]:
                kept = [
                    r for r in comment.get("replies", {}).get("data", []) if r["id"] != object_id
                ]
                if len(kept) != len(comment.get("replies", {}).get("data", [])):
                    comment["replies"]["data"] = kept
                    return JSONResponse({"success": True})
        return graph_error(
            400, 100, f"Unsupported delete request. Object with ID '{object_id}' does not exist", 33
        )

    return app


@pytest.fixture
def graph() -> Iterator[tuple[str, dict[str, Any], Recorder]]:
    state: dict[str, Any] = {
        "containers": {},
        "media": [],
        "served": {},
        "next": 500,
        "processing_checks": 1,
    }
    recorder = Recorder()
    app = fake_instagram(state)
    recorder.install(app)
    with serve(app) as base:
        yield base, state, recorder


def connector(
    base: str, token: str = TOKEN, pauses: list[float] | None = None
) -> InstagramConnector:
    return InstagramConnector(IG_USER, token, f"{base}/approved-media", base_url=base,
                              sleep=(pauses if pauses is not None else []).append)  # fmt: skip


def serve_media(state: dict[str, Any], *items: MediaItem) -> None:
    for item in items:
        state["served"][media_file_name(item)] = item.data


def test_photo_post_round_trip(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = graph
    serve_media(state, PHOTO)
    state["processing_checks"] = 2
    pauses: list[float] = []
    instagram = connector(base, pauses=pauses)
    text = "Meet our front desk team!"
    published = instagram.publish(text, "key-1", media=[PHOTO])
    created = recorder.to("POST", f"{V}/{IG_USER}/media")[0]
    assert created.headers["authorization"] == f"Bearer {TOKEN}"
    container = next(iter(state["containers"].values()))
    assert container["image_url"] == f"{base}/approved-media/{media_file_name(PHOTO)}"
    assert media_file_name(PHOTO).endswith(".jpg")
    assert container["bytes"] == PHOTO.data and container["alt_text"] == PHOTO.alt_text
    assert container["caption"].startswith(text) and container["caption"] != text
    assert len(pauses) == 1  # the container was still processing once
    publish_call = recorder.to("POST", f"{V}/{IG_USER}/media_publish")[0]
    assert f"creation_id={next(iter(state['containers']))}".encode() in publish_call.body
    assert published.platform_id == state["media"][0]["id"]
    assert published.url == f"https://www.instagram.com/p/{published.platform_id}/"
    assert instagram.find("key-1") == published
    assert instagram.find("key-2") is None
    with pytest.raises(ConnectorError) as undeletable:
        instagram.delete(published.platform_id)
    assert not undeletable.value.retryable and "Instagram app" in str(undeletable.value)
    assert not recorder.to("DELETE", f"{V}/{published.platform_id}")


def test_several_items_make_a_carousel_and_a_video_a_reel(
    graph: tuple[str, dict[str, Any], Recorder],
) -> None:
    base, state, _ = graph
    state["processing_checks"] = 2
    video = MediaItem(b"\x00\x00\x00\x18ftypmp42video", "video/mp4")
    serve_media(state, PHOTO, video)
    instagram = connector(base)
    instagram.publish("Our new clinic", "key-3", media=[PHOTO, video])
    containers = list(state["containers"].values())
    assert [c.get("media_type") for c in containers] == [None, "VIDEO", "CAROUSEL"]
    assert all(c["is_carousel_item"] == "true" for c in containers[:2])
    assert containers[2]["children"] == ",".join(list(state["containers"])[:2])
    assert containers[1]["bytes"] == video.data
    instagram.publish("A short tour", "key-4", media=[video])
    reel = list(state["containers"].values())[-1]
    assert reel["media_type"] == "REELS" and reel["video_url"].endswith(".mp4")


def test_text_only_and_unreachable_media_are_refused(
    graph: tuple[str, dict[str, Any], Recorder],
) -> None:
    base, _, recorder = graph
    instagram = connector(base)
    with pytest.raises(ConnectorError) as text_only:
        instagram.publish("Just words", "key-5")
    assert not text_only.value.retryable and "photo or a video" in str(text_only.value)
    assert recorder.requests == []
    with pytest.raises(ConnectorError) as unfetched:
        instagram.publish("Not served", "key-6", media=[PHOTO])  # phigate does not serve it
    assert not unfetched.value.retryable and "9004" in str(unfetched.value)
    assert "Not served" not in str(unfetched.value)


def test_comments_are_fetched_and_answered(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = graph
    serve_media(state, PHOTO)
    instagram = connector(base)
    instagram.publish("Open house Friday", "key-7", media=[PHOTO])
    state["media"][0]["comments"] = [
        {"id": "c1", "text": "What time?", "timestamp": "2026-11-23T10:00:00+0000", "username": "dana.w", "from": {"id": "901", "username": "dana.w"}},
        {"id": "c2", "text": "Old", "timestamp": "2026-11-01T10:00:00+0000", "username": "lee.o"},
    ]  # fmt: skip
    reply = instagram.publish("From 9 to 5.", "key-8", reply_to="c1")
    assert reply.platform_id.startswith("comment:")
    assert b"message=From+9+to+5." in recorder.to("POST", f"{V}/c1/replies")[0].body
    state["media"][0]["comments"][0]["replies"]["data"].append(
        {
            "id": "c3",
            "text": "Thanks!",
            "timestamp": "2026-11-23T13:00:00+0000",
            "username": "dana.w",
        }
    )
    inbound = instagram.fetch_inbound(datetime(2026, 11, 20, tzinfo=UTC))
    assert [(i.kind, i.author, i.text, i.external_id) for i in inbound] == [
        (InboundKind.COMMENT, "dana.w", "What time?", "c1"),
        (InboundKind.REPLY, "dana.w", "Thanks!", "c3"),
    ]  # the account's own reply is left out
    assert inbound[1].received_at == datetime(2026, 11, 23, 13, tzinfo=UTC)
    assert len(instagram.fetch_inbound(None)) == 3
    fields = recorder.to("GET", f"{V}/{state['media'][0]['id']}/comments")[0].query["fields"]
    assert "username" in fields and "timestamp" in fields and "replies" in fields
    instagram.delete(reply.platform_id)
    assert [r["id"] for r in state["media"][0]["comments"][0]["replies"]["data"]] == ["c3"]
    instagram.delete(reply.platform_id)  # already gone: fine


def test_errors_are_classified(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = graph
    serve_media(state, PHOTO)
    with pytest.raises(ConnectorError) as revoked:
        connector(base, "revoked").publish("Patient John Doe", "key-9", media=[PHOTO])
    assert not revoked.value.retryable and "reconnect the account" in str(revoked.value)
    state["throttled"] = True
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish("Patient John Doe", "key-10", media=[PHOTO])
    assert limited.value.retryable and limited.value.retry_after == 180
    state["throttled"] = False
    state["down"] = True
    with pytest.raises(ConnectorError) as down:
        connector(base).find("key-10")
    assert down.value.retryable
    for error in (revoked, limited, down):
        assert "John Doe" not in str(error.value) and "Instagram" in str(error.value)


def test_registry_connects_an_account(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = graph
    spec = PLATFORMS["instagram"]
    assert spec.missing({}) == ["ig_user_id", "access_token", "media_base_url"]
    instagram = connect("instagram", {"ig_user_id": IG_USER, "access_token": TOKEN,
                                      "media_base_url": f"{base}/approved-media", "graph_base_url": base})  # fmt: skip
    serve_media(state, PHOTO)
    instagram.publish("Hello", "key-11", media=[PHOTO])
    assert len(state["media"]) == 1
