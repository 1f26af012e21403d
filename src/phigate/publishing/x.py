"""X (formerly Twitter), API v2 over httpx, with an OAuth 2.0 user-context access token.

Endpoints (docs.x.com/x-api):
- POST /2/tweets ("Create Post"): `text`, `reply.in_reply_to_tweet_id`, `media.media_ids`;
  answers 201 with `data.id`.
- DELETE /2/tweets/:id ("Delete Post"): answers `data.deleted`.
- Media (docs.x.com/x-api/media): images go in one request, POST /2/media/upload (multipart,
  `media_category=tweet_image`); video and GIFs go in chunks: POST /2/media/upload/initialize,
  POST /2/media/upload/:id/append (one per segment, `segment_index`), POST
  /2/media/upload/:id/finalize, then GET /2/media/upload?command=STATUS while `processing_info`
  says pending or in_progress. Alt text: POST /2/media/metadata.
- GET /2/users/me (the account's user id) and GET /2/users/:id/mentions with `start_time`,
  `expansions=author_id` (docs: "Mentions timeline").
- Rate limits: a 429 carries `x-rate-limit-reset`, epoch seconds (docs: fundamentals/rate-limits).

Why `find` returns None: a Post has no field that stays out of view, and X takes no idempotency
header, so a key cannot be stored with the Post. Reconciliation happens in `publish` instead: X
refuses a Post identical to a recent one with 403 "duplicate content", so a publish repeated after a
crash is refused, and the connector then finds the earlier Post among the account's recent Posts by
its text and returns it as the publication.

X's user access tokens expire after two hours (docs: resources/fundamentals/authentication/oauth-2-0/
user-access-token). With a refresh token (scope offline.access) and the app's client id, the
connector renews the token at POST /2/oauth2/token (grant_type=refresh_token; a confidential client
authenticates with HTTP Basic, a public one sends its client_id in the body) and saves what X
answers: X rotates the refresh token on every renewal (token_renewal). Without one, an expired token
is reported (not retried) and the account must be reconnected.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.platform_http import (
    UPLOAD_TIMEOUT,
    failure,
    json_body,
    new_client,
    seconds_until_epoch,
    understood_answers,
    unreachable,
)
from phigate.publishing.token_renewal import TokenRenewal, send_renewing

PLATFORM = "X"
X_TOKEN_URL = "https://api.x.com/2/oauth2/token"
MAX_IMAGES = 4  # docs: a Post carries up to four images, or one video or GIF
CHUNK_BYTES = 4 * 1024 * 1024  # docs: each APPEND segment at most 5 MB
MAX_PROCESSING_S = 600.0
MENTION_PAGES = 10
URL = re.compile(r"https?://\S+")


class XConnector:
    platform = "x"

    def __init__(
        self,
        access_token: str,
        user_id: str | None = None,
        base_url: str = "https://api.x.com",
        sleep: Callable[[float], None] = time.sleep,
        renewal: TokenRenewal | None = None,
    ) -> None:
        self._client = new_client(base_url, {"Authorization": f"Bearer {access_token}"})
        self._user_id = user_id or None
        self._sleep = sleep
        self._renewal = renewal  # None: the token is used as given, a 401 is reported

    # publishing

    @understood_answers(PLATFORM)
    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        hidden = [text, *(m.alt_text for m in media)]
        body: dict[str, Any] = {"text": text}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        if media:
            body["media"] = {"media_ids": [self._upload(item) for item in _checked(media)]}
        response = self._send("POST", "/2/tweets", "publish the post", json=body)
        if response.status_code == 403 and "duplicate" in _detail(response).lower():
            earlier = self._recent_with_text(text)
            if earlier is not None:
                return earlier
        _raise_for(response, "publish the post", hidden)
        return _published(str(json_body(response)["data"]["id"]))

    @understood_answers(PLATFORM)
    def find(self, idempotency_key: str) -> Published | None:
        return None  # see the module docstring: X keeps nothing hidden; publish reconciles

    @understood_answers(PLATFORM)
    def delete(self, platform_id: str) -> None:
        response = self._send("DELETE", f"/2/tweets/{platform_id}", "delete the post")
        if response.status_code == 404:
            return  # already gone: a takedown's goal is met
        _raise_for(response, "delete the post")

    # inbound

    @understood_answers(PLATFORM)
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        me = self._me()
        params: dict[str, str | int] = {
            "max_results": 100,
            "tweet.fields": "created_at,author_id,in_reply_to_user_id,referenced_tweets",
            "expansions": "author_id",
            "user.fields": "username,name",
        }
        if since is not None:
            params["start_time"] = _utc(since).strftime("%Y-%m-%dT%H:%M:%SZ")
        found: list[Inbound] = []
        for _ in range(MENTION_PAGES):
            response = self._send("GET", f"/2/users/{me}/mentions", "read mentions", params=params)
            _raise_for(response, "read mentions")
            page = json_body(response)
            users = {u.get("id"): u for u in page.get("includes", {}).get("users", [])}
            for post in page.get("data", []):
                received = _parse_time(post.get("created_at"))
                if since is not None and received <= _utc(since):
                    continue
                author = users.get(post.get("author_id"), {})
                replied = any(
                    r.get("type") == "replied_to" for r in post.get("referenced_tweets", [])
                )
                found.append(
                    Inbound(
                        platform=self.platform,
                        kind=InboundKind.REPLY
                        if replied and post.get("in_reply_to_user_id") == me
                        else InboundKind.MENTION,
                        author=f"@{author['username']}"
                        if author.get("username")
                        else str(post.get("author_id", "")),
                        text=str(post.get("text", "")),
                        received_at=received,
                        external_id=str(post["id"]),
                    )
                )
            next_token = page.get("meta", {}).get("next_token")
            if not next_token:
                break
            params["pagination_token"] = next_token
        return found

    # media

    def _upload(self, item: MediaItem) -> str:
        hidden = [item.alt_text]
        if item.media_type.startswith("image/") and item.media_type != "image/gif":
            response = self._send(
                "POST",
                "/2/media/upload",
                "upload an image",
                files={"media": ("image", item.data, item.media_type)},
                data={"media_category": "tweet_image", "media_type": item.media_type},
                timeout=UPLOAD_TIMEOUT,
            )
            _raise_for(response, "upload an image", hidden)
            media_id = str(json_body(response)["data"]["id"])
        else:
            media_id = self._upload_in_chunks(item)
        if item.alt_text:
            response = self._send(
                "POST",
                "/2/media/metadata",
                "set the image description",
                json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text}}},
            )
            _raise_for(response, "set the image description", hidden)
        return media_id

    def _upload_in_chunks(self, item: MediaItem) -> str:
        category = "tweet_gif" if item.media_type == "image/gif" else "tweet_video"
        response = self._send(
            "POST",
            "/2/media/upload/initialize",
            "start a video upload",
            json={
                "media_type": item.media_type,
                "total_bytes": len(item.data),
                "media_category": category,
            },
        )
        _raise_for(response, "start a video upload")
        media_id = str(json_body(response)["data"]["id"])
        for index, start in enumerate(range(0, len(item.data), CHUNK_BYTES)):
            response = self._send(
                "POST",
                f"/2/media/upload/{media_id}/append",
                "upload a video",
                files={"media": ("chunk", item.data[start : start + CHUNK_BYTES])},
                data={"segment_index": str(index)},
                timeout=UPLOAD_TIMEOUT,
            )
            _raise_for(response, "upload a video")
        response = self._send(
            "POST", f"/2/media/upload/{media_id}/finalize", "finish a video upload"
        )
        _raise_for(response, "finish a video upload")
        processing = json_body(response).get("data", {}).get("processing_info")
        waited = 0.0
        while processing and processing.get("state") in ("pending", "in_progress"):
            if waited >= MAX_PROCESSING_S:
                raise ConnectorError(
                    "X is still processing the video; publishing will be retried.",
                    retryable=True,
                )
            pause = float(processing.get("check_after_secs", 1))
            self._sleep(pause)
            waited += max(pause, 1.0)
            response = self._send(
                "GET",
                "/2/media/upload",
                "check a video upload",
                params={"command": "STATUS", "media_id": media_id},
            )
            _raise_for(response, "check a video upload")
            processing = json_body(response).get("data", {}).get("processing_info")
        if processing and processing.get("state") == "failed":
            error = processing.get("error", {})
            raise ConnectorError(
                f"X could not process the video: {error.get('message', 'no reason given')}",
                retryable=False,
            )
        return media_id

    # lookups

    def _me(self) -> str:
        if self._user_id is None:
            response = self._send("GET", "/2/users/me", "look up the account")
            _raise_for(response, "look up the account")
            self._user_id = str(json_body(response)["data"]["id"])
        return self._user_id

    def _recent_with_text(self, text: str) -> Published | None:
        response = self._send(
            "GET",
            f"/2/users/{self._me()}/tweets",
            "look up recent posts",
            params={"max_results": 100, "exclude": "retweets"},
        )
        _raise_for(response, "look up recent posts")
        wanted = _comparable(text)
        for post in json_body(response).get("data", []):
            if _comparable(str(post.get("text", ""))) == wanted:
                return _published(str(post["id"]))
        return None

    def _send(self, method: str, path: str, doing: str, **kwargs: Any) -> httpx.Response:
        try:
            return send_renewing(self._client, self._renewal, method, path, **kwargs)
        except httpx.HTTPError as error:
            raise unreachable(PLATFORM, doing, error) from None


def _checked(media: Sequence[MediaItem]) -> Sequence[MediaItem]:
    videos = [
        m for m in media if not m.media_type.startswith("image/") or m.media_type == "image/gif"
    ]
    if len(media) > MAX_IMAGES or (videos and len(media) > 1):
        raise ConnectorError(
            "X takes at most four images, or one video or GIF, per post; "
            "change the attachments and publish again.",
            retryable=False,
        )
    return media


def _detail(response: httpx.Response) -> str:
    # X answers errors as RFC 7807 problems (`detail`, `title`) or as an `errors` list.
    body = json_body(response)
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("message") or first.get("detail") or body.get("detail") or "")
    return str(body.get("detail") or body.get("title") or "")


def _raise_for(response: httpx.Response, doing: str, hidden: Sequence[str] = ()) -> None:
    if response.is_success:
        return
    raise failure(
        PLATFORM,
        doing,
        response.status_code,
        _detail(response),
        retry_after=seconds_until_epoch(response.headers.get("x-rate-limit-reset")),
        hidden=hidden,
    )


def _published(post_id: str) -> Published:
    # The i/web/status form resolves without knowing the account's handle.
    return Published(post_id, f"https://x.com/i/web/status/{post_id}")


def _comparable(text: str) -> str:
    # X returns text with entities escaped and every link replaced by a t.co link.
    return " ".join(URL.sub("<link>", html.unescape(text)).split())


def _parse_time(value: Any) -> datetime:
    if not value:
        return datetime.now(UTC)
    return _utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
