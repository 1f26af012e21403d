"""The YouTube connector against a local server that reproduces the documented shapes of Google's
OAuth token endpoint and the YouTube Data API v3 resumable upload, videos, channels,
playlistItems, commentThreads and comments, with Google's error bodies (401 authError, 403
quotaExceeded, 429 rateLimitExceeded with Retry-After, 400 invalidTitle, 500 backendError)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.google_api import GoogleAuth, seconds_until_pacific_midnight
from phigate.publishing.registry import PLATFORMS, connect
from phigate.publishing.youtube import YouTubeConnector, title_and_description
from tests.publishing.fake_google_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH,
    add_token_endpoint,
)
from tests.publishing.local_server import Recorder, serve

CHANNEL = "UCclinic0000000000000000"
VIDEO = MediaItem(b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 64, "video/mp4")


def google_error(status: int, reason: str, message: str, domain: str = "youtube.api", headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    return JSONResponse({"error": {"code": status, "message": message, "errors": [{"message": message, "domain": domain, "reason": reason}]}},
                        status_code=status, headers=headers)  # fmt: skip


def fake_youtube(state: dict[str, Any]) -> FastAPI:
    app = FastAPI()

    add_token_endpoint(app, state, "https://www.googleapis.com/auth/youtube.force-ssl")

    def refusal(request: Request) -> JSONResponse | None:
        if request.headers.get(
            "authorization"
        ) != f"Bearer {state['tokens'][-1] if state['tokens'] else None}" or state.get("revoked"):
            return google_error(401, "authError", "Invalid Credentials", "global")
        if state.get("quota"):
            return google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota",
            )
        if state.get("throttled"):
            return google_error(
                429,
                "rateLimitExceeded",
                "The request was rate limited.",
                headers={"Retry-After": "30"},
            )
        if state.get("down"):
            return google_error(500, "backendError", "Backend Error", "global")
        return None

    @app.post("/upload/youtube/v3/videos")
    async def start_upload(request: Request) -> Response:
        if (refused := refusal(request)) is not None:
            return refused
        query = request.query_params
        if (query.get("uploadType"), query.get("part")) != ("resumable", "snippet,status"):
            return google_error(400, "invalidParameter", "Invalid upload parameters")
        metadata = await request.json()
        title = metadata["snippet"]["title"]
        if not title or len(title) > 100 or "<" in title:
            return google_error(
                400,
                "invalidTitle",
                "The request metadata specifies an invalid or empty video title.",
            )
        upload_id = f"up{len(state['sessions'])}"
        state["sessions"][upload_id] = {
            "metadata": metadata,
            "length": int(request.headers["x-upload-content-length"]),
            "type": request.headers["x-upload-content-type"],
        }
        return Response(
            status_code=200,
            headers={
                "Location": f"{request.base_url}upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
            },
        )

    @app.put("/upload/youtube/v3/videos")
    async def upload(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        session = state["sessions"].get(request.query_params.get("upload_id"))
        body = await request.body()
        if session is None or len(body) != session["length"]:
            return google_error(400, "badContent", "The upload does not match the session.")
        video_id = f"vid{len(state['videos']):08d}"
        state["videos"].insert(
            0,
            {
                "id": video_id,
                "snippet": session["metadata"]["snippet"],
                "status": session["metadata"]["status"],
                "bytes": body,
                "type": request.headers["content-type"],
            },
        )
        return JSONResponse(
            {
                "kind": "youtube#video",
                "id": video_id,
                "snippet": session["metadata"]["snippet"],
                "status": {**session["metadata"]["status"], "uploadStatus": "uploaded"},
            }
        )

    @app.get("/youtube/v3/channels")
    async def channels(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        assert request.query_params.get("mine") == "true"
        return JSONResponse(
            {
                "kind": "youtube#channelListResponse",
                "items": [
                    {
                        "kind": "youtube#channel",
                        "id": CHANNEL,
                        "contentDetails": {
                            "relatedPlaylists": {"likes": "", "uploads": "UU" + CHANNEL[2:]}
                        },
                    }
                ],
            }
        )

    @app.get("/youtube/v3/playlistItems")
    async def playlist_items(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        if request.query_params["playlistId"] != "UU" + CHANNEL[2:]:
            return google_error(
                404,
                "playlistNotFound",
                "The playlist identified with the request's playlistId parameter cannot be found.",
            )
        limit = int(request.query_params.get("maxResults", "5"))
        return JSONResponse(
            {
                "items": [
                    {"kind": "youtube#playlistItem", "contentDetails": {"videoId": v["id"]}}
                    for v in state["videos"][:limit]
                ]
            }
        )

    @app.get("/youtube/v3/videos")
    async def videos(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        wanted = request.query_params["id"].split(",")
        return JSONResponse(
            {
                "items": [
                    {"kind": "youtube#video", "id": v["id"], "snippet": v["snippet"]}
                    for v in state["videos"]
                    if v["id"] in wanted
                ]
            }
        )

    @app.delete("/youtube/v3/videos")
    async def delete_video(request: Request) -> Response:
        if (refused := refusal(request)) is not None:
            return refused
        kept = [v for v in state["videos"] if v["id"] != request.query_params["id"]]
        if len(kept) == len(state["videos"]):
            return google_error(
                404, "videoNotFound", "The video that you are trying to delete cannot be found."
            )
        state["videos"] = kept
        return Response(status_code=204)

    @app.get("/youtube/v3/commentThreads")
    async def threads(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        assert request.query_params["allThreadsRelatedToChannelId"] == CHANNEL
        page = int(request.query_params.get("pageToken") or 0)
        pages = state["thread_pages"]
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "items": pages[page] if pages else [],
        }
        if page + 1 < len(pages):
            body["nextPageToken"] = str(page + 1)
        return JSONResponse(body)

    @app.post("/youtube/v3/comments")
    async def comment(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        snippet = (await request.json())["snippet"]
        if "." in snippet["parentId"]:
            return google_error(
                400, "operationNotSupported", "The parentId must identify a top-level comment."
            )
        reply_id = f"{snippet['parentId']}.reply{len(state['comments'])}"
        state["comments"][reply_id] = snippet
        return JSONResponse(
            {
                "kind": "youtube#comment",
                "id": reply_id,
                "snippet": {**snippet, "authorChannelId": {"value": CHANNEL}},
            }
        )

    @app.delete("/youtube/v3/comments")
    async def delete_comment(request: Request) -> Response:
        if (refused := refusal(request)) is not None:
            return refused
        if state["comments"].pop(request.query_params["id"], None) is None:
            return google_error(404, "commentNotFound", "The comment could not be found.")
        return Response(status_code=204)

    return app


@pytest.fixture
def api() -> Iterator[tuple[str, dict[str, Any], Recorder]]:
    state: dict[str, Any] = {
        "tokens": [],
        "sessions": {},
        "videos": [],
        "comments": {},
        "thread_pages": [],
    }
    recorder = Recorder()
    app = fake_youtube(state)
    recorder.install(app)
    with serve(app) as base:
        yield base, state, recorder


def connector(base: str, refresh: str = REFRESH) -> YouTubeConnector:
    return YouTubeConnector(
        GoogleAuth(CLIENT_ID, CLIENT_SECRET, refresh, token_url=f"{base}/token"), base_url=base
    )


def comment(
    comment_id: str, author: str, text: str, at: str, channel: str = "UCviewer"
) -> dict[str, Any]:
    return {"kind": "youtube#comment", "id": comment_id, "snippet": {"authorDisplayName": author, "authorChannelId": {"value": channel},
            "textDisplay": text, "publishedAt": at, "updatedAt": at}}  # fmt: skip


def test_upload_find_delete_round_trip(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = api
    youtube = connector(base)
    text = "Meet Dr. Rivera, our new pediatrician\n\nShe joins the Elm Street clinic in January."
    published = youtube.publish(text, "key-1", media=[VIDEO])
    token_request = recorder.to("POST", "/token")[0]
    assert (
        b"grant_type=refresh_token" in token_request.body
        and b"refresh_token=refresh-1" in token_request.body
    )
    start = recorder.to("POST", "/upload/youtube/v3/videos")[0]
    assert start.headers["authorization"] == "Bearer ya29.token-0"
    assert start.headers["x-upload-content-length"] == str(len(VIDEO.data))
    assert start.headers["x-upload-content-type"] == "video/mp4"
    stored = state["videos"][0]
    assert stored["bytes"] == VIDEO.data and stored["type"] == "video/mp4"
    assert stored["snippet"]["title"] == "Meet Dr. Rivera, our new pediatrician"
    assert stored["snippet"]["description"] == text
    assert stored["status"]["privacyStatus"] == "public"
    assert published.platform_id == stored["id"]
    assert published.url == f"https://www.youtube.com/watch?v={stored['id']}"
    youtube.publish("Another video", "key-2", media=[VIDEO])
    assert youtube.find("key-1") == published
    assert youtube.find("key-3") is None
    youtube.delete(published.platform_id)
    assert recorder.to("DELETE", "/youtube/v3/videos")[0].query == {"id": published.platform_id}
    assert [v["snippet"]["title"] for v in state["videos"]] == ["Another video"]
    youtube.delete(published.platform_id)  # already gone: fine
    assert len(recorder.to("POST", "/token")) == 1  # one access token, reused


def test_titles_follow_youtube_limits() -> None:
    title, description = title_and_description("  <b>Flu</b> shots " + "x" * 200 + "\nsecond line")
    assert len(title) == 100 and "<" not in title and title.startswith("bFlu/b shots")
    assert description.endswith("second line") and ">" not in description


def test_text_without_one_video_is_refused(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, _, recorder = api
    youtube = connector(base)
    with pytest.raises(ConnectorError) as text_only:
        youtube.publish("Just words", "key-4")
    assert not text_only.value.retryable and "videos only" in str(text_only.value)
    with pytest.raises(ConnectorError) as photo:
        youtube.publish("A photo", "key-5", media=[MediaItem(b"\xff\xd8", "image/jpeg")])
    assert not photo.value.retryable
    with pytest.raises(ConnectorError) as two:
        youtube.publish("Two", "key-6", media=[VIDEO, VIDEO])
    assert not two.value.retryable and "one video" in str(two.value)
    assert recorder.requests == []


def test_comments_are_fetched_across_pages_and_answered(
    api: tuple[str, dict[str, Any], Recorder],
) -> None:
    base, state, recorder = api
    state["thread_pages"] = [
        [{"kind": "youtube#commentThread", "id": "Ugw1", "snippet": {"videoId": "vid1", "topLevelComment": comment("Ugw1", "@dana", "Great video", "2026-11-23T10:00:00Z")},
          "replies": {"comments": [comment("Ugw1.r1", "@lee", "Agreed", "2026-11-23T11:00:00Z"), comment("Ugw1.r2", "@CedarRidge", "Thank you!", "2026-11-23T12:00:00Z", CHANNEL)]}}],
        [{"kind": "youtube#commentThread", "id": "Ugw0", "snippet": {"videoId": "vid1", "topLevelComment": comment("Ugw0", "@sam", "Older one", "2026-11-10T10:00:00Z")}}],
    ]  # fmt: skip
    youtube = connector(base)
    recent = youtube.fetch_inbound(datetime(2026, 11, 20, tzinfo=UTC))
    assert [(i.kind, i.author, i.text, i.external_id) for i in recent] == [
        (InboundKind.COMMENT, "@dana", "Great video", "Ugw1"),
        (InboundKind.REPLY, "@lee", "Agreed", "Ugw1.r1"),
    ]  # the channel's own reply is left out
    assert recent[1].received_at == datetime(2026, 11, 23, 11, tzinfo=UTC)
    sent = recorder.to("GET", "/youtube/v3/commentThreads")
    assert (
        len(sent) == 2
        and sent[0].query["order"] == "time"
        and sent[0].query["textFormat"] == "plainText"
    )
    assert sent[1].query["pageToken"] == "1"
    assert len(youtube.fetch_inbound(None)) == 3
    reply = youtube.publish(
        "Thanks for watching!", "key-7", reply_to="Ugw1.r1"
    )  # a reply to a reply
    assert state["comments"][reply.platform_id.removeprefix("comment:")] == {
        "parentId": "Ugw1",
        "textOriginal": "Thanks for watching!",
    }
    assert recorder.to("POST", "/youtube/v3/comments")[0].query == {"part": "snippet"}
    youtube.delete(reply.platform_id)
    assert state["comments"] == {}
    youtube.delete(reply.platform_id)  # already gone: fine


def test_errors_are_classified(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = api
    secret = "Patient Maria Lopez thanks the team"
    with pytest.raises(ConnectorError) as revoked_grant:
        connector(base, "revoked-refresh").publish(secret, "key-8", media=[VIDEO])
    assert not revoked_grant.value.retryable and "reconnect the account" in str(revoked_grant.value)
    youtube = connector(base)
    youtube.publish("First", "key-9", media=[VIDEO])
    state["tokens"].append("ya29.rotated")  # the server no longer accepts the cached token
    youtube.find("key-9")
    assert len(recorder.to("POST", "/token")) == 3  # a 401 renewed the access token once
    state["revoked"] = True
    with pytest.raises(ConnectorError) as expired:
        youtube.find("key-9")
    assert not expired.value.retryable and "reconnect the account" in str(expired.value)
    state["revoked"] = False
    with pytest.raises(ConnectorError) as invalid:
        youtube.publish("<" * 101, "key-10", media=[VIDEO])
    assert not invalid.value.retryable and "invalidTitle" in str(invalid.value)
    state["quota"] = True
    with pytest.raises(ConnectorError) as quota:
        youtube.publish(secret, "key-11", media=[VIDEO])
    assert quota.value.retryable and "midnight Pacific" in str(quota.value)
    assert quota.value.retry_after is not None and 60 <= quota.value.retry_after <= 25 * 3600
    state["quota"] = False
    state["throttled"] = True
    with pytest.raises(ConnectorError) as limited:
        youtube.publish(secret, "key-12", media=[VIDEO])
    assert limited.value.retryable and limited.value.retry_after == 30
    state["throttled"] = False
    state["down"] = True
    with pytest.raises(ConnectorError) as down:
        youtube.delete("vid00000000")
    assert down.value.retryable
    with pytest.raises(ConnectorError) as unreachable:
        YouTubeConnector(
            GoogleAuth(CLIENT_ID, CLIENT_SECRET, REFRESH, token_url="http://127.0.0.1:9/token")
        ).find("key-1")
    assert unreachable.value.retryable
    for error in (revoked_grant, expired, invalid, quota, limited, down):
        assert "Maria Lopez" not in str(error.value) and "YouTube" in str(error.value)


def test_quota_waits_until_midnight_pacific() -> None:
    pacific = ZoneInfo("America/Los_Angeles")
    evening = datetime(2026, 11, 23, 23, 0, tzinfo=pacific)
    assert seconds_until_pacific_midnight(evening.astimezone(UTC)) == 3600
    morning = datetime(2026, 7, 4, 1, 30, tzinfo=pacific)  # daylight saving time
    assert (
        seconds_until_pacific_midnight(morning.astimezone(UTC))
        == timedelta(hours=22, minutes=30).total_seconds()
    )


def test_registry_connects_a_channel(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = api
    spec = PLATFORMS["youtube"]
    assert spec.missing({}) == ["client_id", "client_secret", "refresh_token"]
    assert {f.name for f in spec.fields if f.secret} == {"client_secret", "refresh_token"}
    youtube = connect("youtube", {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH,
                                  "token_url": f"{base}/token", "api_base_url": base})  # fmt: skip
    youtube.publish("Hello", "key-13", media=[VIDEO])
    assert len(state["videos"]) == 1
