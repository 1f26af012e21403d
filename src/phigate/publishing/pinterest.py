"""Pinterest, API v5 over httpx, publishing pins to one board (developers.pinterest.com/docs/api/v5).

- POST /v5/pins ("Create Pin"): `board_id`, `title`, `description`, `alt_text`, `note`, and
  `media_source`: `image_base64` for one image (JPEG or PNG), `multiple_image_base64` for two to
  five (a carousel), `video_id` for a video. Answers 201 with the Pin.
- Video ("Register media upload"): POST /v5/media with `media_type: video` answers an `upload_url`
  and `upload_parameters`; the file goes there as a multipart POST with those parameters (an
  S3 form, so without Pinterest's token), then GET /v5/media/{media_id} until `status` succeeded.
- DELETE /v5/pins/{pin_id}; GET /v5/boards/{board_id}/pins (paged by `bookmark`).
- Errors answer {"code": ..., "message": ...}; 429 when over the per-minute limits (docs:
  reference/rate-limits, which names no reset header: a Retry-After is honoured when sent, else
  phigate waits a minute).

Access tokens last 30 days. With the refresh token and the app's id and secret the connector renews
the access token at POST /v5/oauth/token (grant_type=refresh_token, HTTP Basic with the app id and
secret; docs: getting-started/authentication-and-scopes) and saves it; continuous refresh tokens
are answered anew with each renewal and the new one is kept.

A pin needs an image or a video: publishing text alone is refused before anything is sent.
Pinterest has no replies, and its API offers no comments to read, so this connector is not an
InboundSource and refuses `reply_to`.

`find` works: the idempotency key goes in the pin's `note`, which Pinterest describes as a private
note seen only by the pinner and the board's collaborators, and `find` looks through the board's
most recent pins for it.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.platform_http import (
    UPLOAD_TIMEOUT,
    failure,
    json_body,
    new_client,
    retry_after_header,
    understood_answers,
    unreachable,
)
from phigate.publishing.token_renewal import TokenRenewal, send_renewing

PLATFORM = "Pinterest"
PINTEREST_TOKEN_URL = "https://api.pinterest.com/v5/oauth/token"
IMAGE_TYPES = ("image/jpeg", "image/png")  # docs: image_base64 content_type
MAX_IMAGES = 5  # docs: multiple_image_base64 carries two to five images
MAX_TITLE = 100
MAX_PROCESSING_S = 600.0
FIND_PAGES = 3
PAGE_SIZE = 100
NOTE_PREFIX = "phigate:"


class PinterestConnector:
    platform = "pinterest"

    def __init__(
        self,
        access_token: str,
        board_id: str,
        base_url: str = "https://api.pinterest.com",
        sleep: Callable[[float], None] = time.sleep,
        renewal: TokenRenewal | None = None,
    ) -> None:
        self._client = new_client(base_url, {"Authorization": f"Bearer {access_token}"})
        self._board_id = board_id
        self._sleep = sleep
        self._renewal = renewal  # None: the token is used as given, a 401 is reported

    @understood_answers(PLATFORM)
    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        if reply_to:
            raise ConnectorError(
                "Pinterest has no replies to comments; answer this one on Pinterest itself.",
                retryable=False,
            )
        if not media:
            raise ConnectorError(
                "Pinterest refused to publish: every pin needs an image or a video; "
                "attach one to the post and publish again.",
                retryable=False,
            )
        hidden = [text, *(m.alt_text for m in media)]
        body: dict[str, Any] = {
            "board_id": self._board_id,
            "description": text,
            "note": NOTE_PREFIX + idempotency_key,
            "media_source": self._media_source(media),
        }
        title = text.strip().splitlines()[0] if text.strip() else ""
        if title and len(title) <= MAX_TITLE:  # a longer first line stays in the description only
            body["title"] = title
        alt_text = next((m.alt_text for m in media if m.alt_text), "")
        if alt_text:
            body["alt_text"] = alt_text
        response = self._send("POST", "/v5/pins", "publish the pin", json=body)
        _raise_for(response, "publish the pin", hidden)
        return _published(str(json_body(response)["id"]))

    @understood_answers(PLATFORM)
    def find(self, idempotency_key: str) -> Published | None:
        wanted = NOTE_PREFIX + idempotency_key
        params: dict[str, str | int] = {"page_size": PAGE_SIZE}
        for _ in range(FIND_PAGES):
            response = self._send(
                "GET", f"/v5/boards/{self._board_id}/pins", "look up recent pins", params=params
            )
            _raise_for(response, "look up recent pins")
            page = json_body(response)
            for pin in page.get("items", []):
                if pin.get("note") == wanted:
                    return _published(str(pin["id"]))
            if not page.get("bookmark"):
                return None
            params["bookmark"] = page["bookmark"]
        return None

    @understood_answers(PLATFORM)
    def delete(self, platform_id: str) -> None:
        response = self._send("DELETE", f"/v5/pins/{platform_id}", "delete the pin")
        if response.status_code == 404:
            return  # already gone: a takedown's goal is met
        _raise_for(response, "delete the pin")

    def _media_source(self, media: Sequence[MediaItem]) -> dict[str, Any]:
        videos = [m for m in media if m.media_type.startswith("video/")]
        images = [m for m in media if not m.media_type.startswith("video/")]
        if len(videos) > 1 or len(images) > MAX_IMAGES or (videos and len(images) > 1):
            raise ConnectorError(
                "Pinterest takes one video (with at most one cover image) or up to five images "
                "per pin; change the attachments and publish again.",
                retryable=False,
            )
        unsupported = sorted({m.media_type for m in images if m.media_type not in IMAGE_TYPES})
        if unsupported:
            raise ConnectorError(
                f"Pinterest takes JPEG or PNG images, not {', '.join(unsupported)}; "
                "convert the image and publish again.",
                retryable=False,
            )
        if videos:
            source: dict[str, Any] = {
                "source_type": "video_id",
                "media_id": self._upload_video(videos[0]),
            }
            if images:
                source["cover_image_content_type"] = images[0].media_type
                source["cover_image_data"] = _b64(images[0].data)
            else:
                source["cover_image_key_frame_time"] = 0
            return source
        if len(images) == 1:
            return {
                "source_type": "image_base64",
                "content_type": images[0].media_type,
                "data": _b64(images[0].data),
            }
        return {
            "source_type": "multiple_image_base64",
            "items": [{"content_type": m.media_type, "data": _b64(m.data)} for m in images],
        }

    def _upload_video(self, item: MediaItem) -> str:
        response = self._send(
            "POST", "/v5/media", "start a video upload", json={"media_type": "video"}
        )
        _raise_for(response, "start a video upload")
        registered = json_body(response)
        media_id = str(registered["media_id"])
        try:
            # The upload URL is storage outside Pinterest's API: it gets the form, not the token.
            uploaded = httpx.post(
                str(registered["upload_url"]),
                data={k: str(v) for k, v in registered.get("upload_parameters", {}).items()},
                files={"file": ("video", item.data, item.media_type)},
                timeout=UPLOAD_TIMEOUT,
            )
        except httpx.HTTPError as error:
            raise unreachable(PLATFORM, "upload a video", error) from None
        if not uploaded.is_success:
            raise failure(PLATFORM, "upload a video", uploaded.status_code, "")
        waited = 0.0
        while True:
            response = self._send("GET", f"/v5/media/{media_id}", "check a video upload")
            _raise_for(response, "check a video upload")
            status = json_body(response).get("status")
            if status == "succeeded":
                return media_id
            if status == "failed":
                raise ConnectorError("Pinterest could not process the video.", retryable=False)
            if waited >= MAX_PROCESSING_S:
                raise ConnectorError(
                    "Pinterest is still processing the video; publishing will be retried.",
                    retryable=True,
                )
            self._sleep(5.0)
            waited += 5.0

    def _send(self, method: str, path: str, doing: str, **kwargs: Any) -> httpx.Response:
        try:
            return send_renewing(self._client, self._renewal, method, path, **kwargs)
        except httpx.HTTPError as error:
            raise unreachable(PLATFORM, doing, error) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raise_for(response: httpx.Response, doing: str, hidden: Sequence[str] = ()) -> None:
    if response.is_success:
        return
    body = json_body(response)
    detail = str(body.get("message") or "")
    if body.get("code") is not None and detail:
        detail = f"{detail} (code {body['code']})"
    raise failure(
        PLATFORM,
        doing,
        response.status_code,
        detail,
        retry_after=retry_after_header(response.headers.get("retry-after")),
        hidden=hidden,
    )


def _published(pin_id: str) -> Published:
    return Published(pin_id, f"https://www.pinterest.com/pin/{pin_id}/")
