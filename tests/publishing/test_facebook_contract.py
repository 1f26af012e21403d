"""The Facebook Page connector against a local Graph API that reproduces the documented shapes of
/{page-id}/feed, /{page-id}/photos, /{page-id}/videos, /{page-id}/posts, /{comment-id}/comments and
DELETE /{object-id}, with Graph's error bodies (190 expired token, 4/17/32/613 and HTTP 429 rate
limits with X-Business-Use-Case-Usage, 1/2 temporary, 100 invalid parameter)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.facebook import FacebookConnector
from phigate.publishing.graph_api import GRAPH_API_VERSION
from phigate.publishing.invisible_marker import DIGITS, START
from phigate.publishing.registry import PLATFORMS, connect
from tests.publishing.local_server import Recorder, serve

PAGE = "104000"
TOKEN = "page-token"
V = f"/{GRAPH_API_VERSION}"


def graph_error(status: int, code: int, message: str, subcode: int | None = None,
                headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:  # fmt: skip
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbC123",
        **extra,
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status, headers=headers)  # fmt: skip


def fake_graph(state: dict[str, Any]) -> FastAPI:
    app = FastAPI()

    def refusal(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return graph_error(400, 190, "Error validating access token: Session has expired.", 463)
        if state.get("throttled") == "buc":
            usage = {
                PAGE: [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 20,
                        "total_time": 20,
                        "estimated_time_to_regain_access": 7,
                    }
                ]
            }
            return graph_error(400, 32, "Page request limit reached", headers={"X-Business-Use-Case-Usage": json.dumps(usage)})  # fmt: skip
        if state.get("throttled") == "http":
            return graph_error(
                429, 4, "Application request limit reached", headers={"Retry-After": "42"}
            )
        if state.get("down"):
            return graph_error(500, 2, "Service temporarily unavailable", is_transient=True)
        return None

    def new_id() -> str:
        state["next"] += 1
        return str(state["next"])

    @app.post(V + "/{object_id}/feed")
    async def feed(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        message = str(form.get("message") or "")
        if len(message) > 63206:
            return graph_error(
                400, 100, "(#100) Param message must be at most 63206 characters long."
            )
        attached = [
            json.loads(str(v))["media_fbid"]
            for k, v in form.items()
            if k.startswith("attached_media[")
        ]
        if any(a not in state["photos"] for a in attached):
            return graph_error(400, 100, "(#100) Invalid media_fbid")
        if state.get("echo"):  # some validation messages quote the request back
            return graph_error(
                400, 100, f"(#100) Param message '{message[:50]}' contains a blocked link."
            )
        if state.get("answer_without_id"):
            return JSONResponse({})
        post_id = f"{object_id}_{new_id()}"
        state["posts"].insert(
            0, {"id": post_id, "message": message, "photos": attached, "comments": []}
        )
        return JSONResponse({"id": post_id})

    @app.post(V + "/{object_id}/photos")
    async def photos(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        source = form.get("source")
        if source is None or isinstance(source, str):
            return graph_error(400, 324, "(#324) Requires upload file")
        photo_id = new_id()
        state["photos"][photo_id] = {"bytes": await source.read(), "type": source.content_type,
                                     "published": form.get("published"), "alt": form.get("alt_text_custom")}  # fmt: skip
        return JSONResponse({"id": photo_id})

    @app.post(V + "/{object_id}/videos")
    async def videos(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        source = form.get("source")
        assert source is not None and not isinstance(source, str)
        video_id = new_id()
        state["videos"][video_id] = await source.read()
        # The video also appears as a Page post whose message is the description.
        state["posts"].insert(0, {"id": f"{object_id}_{video_id}", "message": str(form.get("description")), "photos": [], "comments": []})  # fmt: skip
        return JSONResponse({"id": video_id})

    @app.get(V + "/{object_id}/posts")
    async def posts(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        limit = int(request.query_params.get("limit", "25"))
        data = [{"id": p["id"], "message": p["message"], "permalink_url": f"https://www.facebook.com/{p['id']}"} for p in state["posts"][:limit]]  # fmt: skip
        return JSONResponse({"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}})

    @app.get(V + "/{object_id}/feed")
    async def read_feed(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        if "comments" not in request.query_params.get("fields", ""):
            return JSONResponse({"data": [{"id": p["id"]} for p in state["posts"]]})
        data = [{"id": p["id"], **({"comments": {"data": p["comments"]}} if p["comments"] else {})} for p in state["posts"]]  # fmt: skip
        return JSONResponse({"data": data})

    @app.get(V + "/{object_id}/tagged")
    async def tagged(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        return JSONResponse(
            {"data": state["tagged"], "paging": {"cursors": {"before": "b", "after": "a"}}}
        )

    @app.post(V + "/{comment_id}/comments")
    async def reply(comment_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        form = await request.form()
        for post in state["posts"]:
            if any(c["id"] == comment_id for c in post["comments"]):
                reply_id = f"{post['id'].split('_')[1]}_{new_id()}"
                post["comments"].append({"id": reply_id, "message": str(form["message"]), "created_time": "2026-11-23T12:00:00+0000",
                                         "from": {"id": PAGE, "name": "Cedar Ridge Clinic"}, "parent": {"id": comment_id}})  # fmt: skip
                return JSONResponse({"id": reply_id})
        return graph_error(400, 100, f"(#100) Object with ID '{comment_id}' does not exist", 33)

    @app.delete(V + "/{object_id}")
    async def delete(object_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        for post in state["posts"]:
            if post["id"] == object_id:
                state["posts"].remove(post)
                return JSONResponse({"success": True})
        return graph_error(400, 100, f"Unsupported delete request. Object with ID '{object_id}' does not exist", 33)  # fmt: skip

    return app


@pytest.fixture
def graph() -> Iterator[tuple[str, dict[str, Any], Recorder]]:
    state: dict[str, Any] = {"posts": [], "photos": {}, "videos": {}, "tagged": [], "next": 9000}
    recorder = Recorder()
    app = fake_graph(state)
    recorder.install(app)
    with serve(app) as base:
        yield base, state, recorder


def connector(base: str, token: str = TOKEN) -> FacebookConnector:
    return FacebookConnector(PAGE, token, base_url=base, video_base_url=base)


def test_publish_find_delete_round_trip(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = graph
    facebook = connector(base)
    text = "Flu shots are free this Saturday at the Elm Street clinic."
    published = facebook.publish(text, "key-1")
    sent = recorder.to("POST", f"{V}/{PAGE}/feed")[0]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert "access_token" not in sent.query  # the token never travels in a URL
    message = state["posts"][0]["message"]
    assert message.startswith(text) and message != text  # the invisible key follows the text
    invisible = set(message[len(text) :])
    assert invisible <= {START, *DIGITS}  # nothing a reader sees
    assert published.platform_id == state["posts"][0]["id"]
    assert published.url == f"https://www.facebook.com/{published.platform_id}"
    facebook.publish("Another post", "key-2")
    assert facebook.find("key-1") == published
    assert facebook.find("key-3") is None
    facebook.delete(published.platform_id)
    assert [p["message"][:12] for p in state["posts"]] == ["Another post"]
    assert recorder.to("DELETE", f"{V}/{published.platform_id}")
    facebook.delete(published.platform_id)  # already gone: fine
    assert facebook.find("key-1") is None


def test_photos_are_uploaded_unpublished_then_attached(
    graph: tuple[str, dict[str, Any], Recorder],
) -> None:
    base, state, recorder = graph
    photos = [
        MediaItem(b"\xff\xd8first", "image/jpeg", "A nurse holding a flu vaccine"),
        MediaItem(b"\x89PNGsecond", "image/png"),
    ]
    connector(base).publish("Our new waiting room", "key-4", media=photos)
    uploads = recorder.to("POST", f"{V}/{PAGE}/photos")
    assert len(uploads) == 2
    stored = list(state["photos"].values())
    assert [s["bytes"] for s in stored] == [p.data for p in photos]
    assert [s["type"] for s in stored] == ["image/jpeg", "image/png"]
    assert all(s["published"] == "false" for s in stored)
    assert [s["alt"] for s in stored] == ["A nurse holding a flu vaccine", None]
    assert sorted(state["posts"][0]["photos"]) == sorted(state["photos"])


def test_a_video_is_uploaded_and_found(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = graph
    facebook = connector(base)
    video = MediaItem(b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    published = facebook.publish("A tour of the new wing", "key-5", media=[video])
    assert list(state["videos"].values()) == [video.data]
    upload = recorder.to("POST", f"{V}/{PAGE}/videos")[0]
    assert b'name="description"' in upload.body and b"A tour of the new wing" in upload.body
    assert published.platform_id in state["videos"]
    found = facebook.find("key-5")
    assert found is not None and found.platform_id.endswith(published.platform_id)
    with pytest.raises(ConnectorError) as mixed:
        facebook.publish("Both", "key-6", media=[video, MediaItem(b"\xff\xd8", "image/jpeg")])
    assert not mixed.value.retryable and "one video" in str(mixed.value)


def test_comments_are_fetched_and_answered(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = graph
    facebook = connector(base)
    post = facebook.publish("Open house on Friday", "key-7")
    state["posts"][0]["comments"] = [
        {"id": "9001_1", "message": "Will there be parking?", "created_time": "2026-11-23T10:00:00+0000", "from": {"id": "55", "name": "Dana Whitfield"}},
        {"id": "9001_2", "message": "Old question", "created_time": "2026-11-01T10:00:00+0000", "from": {"id": "56", "name": "Lee Ortiz"}},
        {"id": "9001_3", "message": "Same here", "created_time": "2026-11-23T11:00:00+0000", "parent": {"id": "9001_1"}},
    ]  # fmt: skip
    inbound = facebook.fetch_inbound(datetime(2026, 11, 20, tzinfo=UTC))
    assert [(i.kind, i.author, i.text, i.external_id) for i in inbound] == [
        (InboundKind.COMMENT, "Dana Whitfield", "Will there be parking?", "9001_1"),
        (InboundKind.REPLY, "a Facebook user", "Same here", "9001_3"),
    ]
    assert inbound[0].received_at == datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert all(i.platform == "facebook" for i in inbound)
    assert len(facebook.fetch_inbound(None)) == 3
    state["tagged"] = [{"id": "77_1", "message": "Thanks @Cedar Ridge Clinic for the care!", "created_time": "2026-11-22T09:00:00+0000", "from": {"id": "77", "name": "Lee Ortiz"}}]  # fmt: skip
    mention = facebook.fetch_inbound(datetime(2026, 11, 20, tzinfo=UTC))[-1]
    assert (mention.kind, mention.author, mention.external_id) == (
        InboundKind.MENTION,
        "Lee Ortiz",
        "77_1",
    )
    assert "created_time" in recorder.to("GET", f"{V}/{PAGE}/tagged")[0].query["fields"]
    fields = recorder.to("GET", f"{V}/{PAGE}/feed")[0].query["fields"]
    assert "comments" in fields and "created_time" in fields and "from" in fields
    reply = facebook.publish("Yes, the lot behind the clinic is free.", "key-8", reply_to="9001_1")
    sent = recorder.to("POST", f"{V}/9001_1/comments")[0]
    assert b"lot+behind" in sent.body
    assert any(c["id"] == reply.platform_id for c in state["posts"][0]["comments"])
    assert len(facebook.fetch_inbound(None)) == 4  # the Page's own reply is not inbound
    facebook.delete(post.platform_id)


def test_errors_are_classified(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = graph
    secret_text = "Patient Jane Roe was seen today"
    with pytest.raises(ConnectorError) as expired:
        connector(base, "expired-token").publish(secret_text, "key-9")
    assert not expired.value.retryable
    assert "expired" in str(expired.value) and "reconnect the account" in str(expired.value)
    with pytest.raises(ConnectorError) as invalid:
        connector(base).publish("x" * 63207, "key-10")
    assert not invalid.value.retryable and "63206 characters" in str(invalid.value)
    assert "xxxx" not in str(invalid.value)
    state["throttled"] = "buc"
    with pytest.raises(ConnectorError) as buc:
        connector(base).publish(secret_text, "key-11")
    assert buc.value.retryable and buc.value.retry_after == 7 * 60
    state["throttled"] = "http"
    with pytest.raises(ConnectorError) as limited:
        connector(base).publish(secret_text, "key-12")
    assert limited.value.retryable and limited.value.retry_after == 42
    state["throttled"] = None
    state["down"] = True
    with pytest.raises(ConnectorError) as down:
        connector(base).delete("104000_1")
    assert down.value.retryable
    for error in (expired, buc, limited, down):
        assert secret_text not in str(error.value) and "Facebook" in str(error.value)
    state["down"] = False
    state["echo"] = True
    with pytest.raises(ConnectorError) as echoed:
        connector(base).publish(secret_text + " at the Elm Street clinic", "key-16")
    assert not echoed.value.retryable and "blocked link" in str(echoed.value)
    assert "Jane Roe" not in str(echoed.value)
    state["echo"] = False
    state["answer_without_id"] = True
    with pytest.raises(ConnectorError) as unknown:
        connector(base).publish(secret_text, "key-15")
    assert unknown.value.retryable and "does not recognize" in str(unknown.value)
    with pytest.raises(ConnectorError) as unreachable:
        connector("http://127.0.0.1:9").publish(secret_text, "key-13")
    assert unreachable.value.retryable


def test_registry_connects_a_page(graph: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = graph
    spec = PLATFORMS["facebook"]
    assert spec.missing({}) == ["page_id", "page_access_token"]
    assert next(f for f in spec.fields if f.name == "page_access_token").secret
    facebook = connect(
        "facebook", {"page_id": PAGE, "page_access_token": TOKEN, "graph_base_url": base}
    )
    facebook.publish("Hello from the registry", "key-14")
    assert len(state["posts"]) == 1
