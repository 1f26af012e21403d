"""LinkedIn organization pages, through the versioned Community Management REST API over httpx.

Every call carries `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`; URNs in a
path or query are percent-encoded (docs: learn.microsoft.com/linkedin, "Versioning" and "Rest.li
Protocol 2.0").

- Posts API (community-management/shares/posts-api): POST /rest/posts with `author`
  (urn:li:organization:ID), `commentary`, `visibility`, `distribution`, `lifecycleState`; the new
  post's URN comes back in the `x-restli-id` header. DELETE /rest/posts/{urn}. GET
  /rest/posts?q=author lists the organization's posts.
- `commentary` is in LinkedIn's "little text format": its reserved characters are escaped with a
  backslash, else LinkedIn cuts or misreads the text; a #word becomes a hashtag template
  (docs: community-management/shares/little-text-format).
- Images API: POST /rest/images?action=initializeUpload, then PUT the bytes to `uploadUrl`. Videos
  API: POST /rest/videos?action=initializeUpload with `fileSizeBytes`, PUT each part, keep each
  part's ETag, POST /rest/videos?action=finalizeUpload, then wait for status AVAILABLE. One image
  or video goes in `content.media`; two or more images in `content.multiImage`.
- Comments API (community-management/shares/comments-api): POST
  /rest/socialActions/{post or comment urn}/comments (a reply names `parentComment`), GET the same
  path for inbound, DELETE /rest/socialActions/{post urn}/comments/{id}?actor=... for a reply.
- Rate limits reset at midnight UTC and a 429 carries no reset header (docs: shared/api-guide/
  concepts/rate-limits), so a 429 waits until then unless the answer says Retry-After.

Why `find` returns None: a LinkedIn post has no field that stays out of view and the Posts API
takes no idempotency key. Reconciliation happens in `publish`: LinkedIn refuses a post identical to
a recent one with 422 DUPLICATE_POST naming the earlier post's URN, so a publish repeated after a
crash gets that URN back, and the connector returns it once a GET shows the post still exists.

Access tokens last 60 days. Apps LinkedIn approved for programmatic refresh also get a refresh token
(365 days, not rotated); with it and the app's client id and secret the connector renews the access
token at POST https://www.linkedin.com/oauth/v2/accessToken (grant_type=refresh_token, client
credentials in the body; docs: shared/authentication/programmatic-refresh-tokens) and saves it.

Commenters are named by their member or organization URN: resolving a member's name needs a
profile permission that organization apps are not granted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.platform_http import (
    UPLOAD_TIMEOUT,
    failure,
    json_body,
    new_client,
    retry_after_header,
    seconds_until_midnight,
    understood_answers,
    unreachable,
)
from phigate.publishing.token_renewal import TokenRenewal, send_renewing

PLATFORM = "LinkedIn"
LINKEDIN_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
DEFAULT_VERSION = "202511"
MAX_IMAGES = 20  # docs: a MultiImage post carries 2 to 20 images
MAX_PROCESSING_S = 600.0
INBOUND_POSTS = 20  # the organization's most recent posts whose comments are read
DUPLICATE = re.compile(r"duplicate of (urn:li:[A-Za-z]+:[0-9]+)")
COMMENT = re.compile(r"urn:li:comment:\((urn:li:[A-Za-z]+:[0-9]+),([0-9]+)\)")
RESERVED = re.compile(r"#([^\W_]+)|([\\|{}@\[\]()<>#*_~])")


def little_text(text: str) -> str:
    """Plain text in LinkedIn's little text format: reserved characters escaped, #tags kept."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "{hashtag|\\#|" + match.group(1) + "}"
        return "\\" + match.group(2)

    return RESERVED.sub(replace, text)


class LinkedInConnector:
    platform = "linkedin"

    def __init__(
        self,
        access_token: str,
        organization_id: str,
        api_version: str = DEFAULT_VERSION,
        base_url: str = "https://api.linkedin.com",
        sleep: Callable[[float], None] = time.sleep,
        renewal: TokenRenewal | None = None,
    ) -> None:
        self._client = new_client(
            base_url,
            {
                "Authorization": f"Bearer {access_token}",
                "LinkedIn-Version": api_version,
                "X-Restli-Protocol-Version": "2.0.0",
            },
        )
        organization_id = organization_id.strip()
        self._organization = (
            organization_id
            if organization_id.startswith("urn:li:organization:")
            else f"urn:li:organization:{organization_id}"
        )
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
        # A refusal may echo the commentary as sent, in little text format.
        hidden = [text, little_text(text), *(m.alt_text for m in media)]
        if reply_to:
            return self._comment(text, reply_to, hidden)
        body: dict[str, Any] = {
            "author": self._organization,
            "commentary": little_text(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if media:
            body["content"] = self._content(media)
        response = self._send("POST", "/rest/posts", "publish the post", json=body)
        if response.status_code == 422:
            earlier = DUPLICATE.search(_detail(response))
            if earlier is not None:
                return self._existing(earlier.group(1), hidden)
        _raise_for(response, "publish the post", hidden)
        return _published(response.headers["x-restli-id"])

    @understood_answers(PLATFORM)
    def find(self, idempotency_key: str) -> Published | None:
        return None  # see the module docstring: LinkedIn keeps nothing hidden; publish reconciles

    @understood_answers(PLATFORM)
    def delete(self, platform_id: str) -> None:
        comment = COMMENT.fullmatch(platform_id)
        if comment is not None:
            target, comment_id = comment.groups()
            path = (
                f"/rest/socialActions/{_encoded(target)}/comments/{comment_id}"
                f"?actor={_encoded(self._organization)}"
            )
        else:
            path = f"/rest/posts/{_encoded(platform_id)}"
        response = self._send(
            "DELETE", path, "delete the post", headers={"X-RestLi-Method": "DELETE"}
        )
        if response.status_code == 404:
            return  # already gone: a takedown's goal is met
        _raise_for(response, "delete the post")

    # inbound

    @understood_answers(PLATFORM)
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        response = self._send(
            "GET",
            f"/rest/posts?author={_encoded(self._organization)}&q=author"
            f"&count={INBOUND_POSTS}&sortBy=LAST_MODIFIED",
            "read the page's posts",
            headers={"X-RestLi-Method": "FINDER"},
        )
        _raise_for(response, "read the page's posts")
        found: list[Inbound] = []
        for post in json_body(response).get("elements", []):
            response = self._send(
                "GET",
                f"/rest/socialActions/{_encoded(str(post['id']))}/comments",
                "read comments",
            )
            _raise_for(response, "read comments")
            for comment in json_body(response).get("elements", []):
                if comment.get("actor") == self._organization:
                    continue  # the page's own answers
                received = datetime.fromtimestamp(
                    int(comment.get("created", {}).get("time", 0)) / 1000, UTC
                )
                if since is not None and received <= _utc(since):
                    continue
                found.append(
                    Inbound(
                        platform=self.platform,
                        kind=InboundKind.REPLY
                        if comment.get("parentComment")
                        else InboundKind.COMMENT,
                        author=str(comment.get("actor", "")),
                        text=str(comment.get("message", {}).get("text", "")),
                        received_at=received,
                        external_id=str(comment.get("commentUrn") or comment.get("$URN", "")),
                    )
                )
        return sorted(found, key=lambda item: item.received_at)

    # comments, content, media

    def _comment(self, text: str, reply_to: str, hidden: Sequence[str]) -> Published:
        comment = COMMENT.fullmatch(reply_to)
        body: dict[str, Any] = {
            "actor": self._organization,
            "object": comment.group(1) if comment else reply_to,
            "message": {"text": text},
        }
        if comment:
            body["parentComment"] = reply_to
        response = self._send(
            "POST",
            f"/rest/socialActions/{_encoded(reply_to)}/comments",
            "publish the reply",
            json=body,
        )
        _raise_for(response, "publish the reply", hidden)
        answer = json_body(response)
        urn = str(answer.get("commentUrn") or answer.get("$URN") or response.headers["x-restli-id"])
        return Published(urn, None)

    def _content(self, media: Sequence[MediaItem]) -> dict[str, Any]:
        videos = [m for m in media if m.media_type.startswith("video/")]
        if (videos and len(media) > 1) or len(media) > MAX_IMAGES:
            raise ConnectorError(
                "LinkedIn takes one video, or up to twenty images, per post; "
                "change the attachments and publish again.",
                retryable=False,
            )
        if videos:
            return {"media": {"id": self._upload_video(videos[0])}}
        images = [{"id": self._upload_image(m), "altText": m.alt_text} for m in media]
        if len(images) == 1:
            return {"media": images[0]}
        return {"multiImage": {"images": images}}

    def _upload_image(self, item: MediaItem) -> str:
        response = self._send(
            "POST",
            "/rest/images?action=initializeUpload",
            "start an image upload",
            json={"initializeUploadRequest": {"owner": self._organization}},
        )
        _raise_for(response, "start an image upload")
        value = json_body(response)["value"]
        response = self._send(
            "PUT",
            value["uploadUrl"],
            "upload an image",
            content=item.data,
            headers={"Content-Type": item.media_type},
            timeout=UPLOAD_TIMEOUT,
        )
        _raise_for(response, "upload an image")
        return str(value["image"])

    def _upload_video(self, item: MediaItem) -> str:
        response = self._send(
            "POST",
            "/rest/videos?action=initializeUpload",
            "start a video upload",
            json={
                "initializeUploadRequest": {
                    "owner": self._organization,
                    "fileSizeBytes": len(item.data),
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
        )
        _raise_for(response, "start a video upload")
        value = json_body(response)["value"]
        video = str(value["video"])
        etags: list[str] = []
        for part in value["uploadInstructions"]:
            response = self._send(
                "PUT",
                part["uploadUrl"],
                "upload a video",
                content=item.data[int(part["firstByte"]) : int(part["lastByte"]) + 1],
                headers={"Content-Type": "application/octet-stream"},
                timeout=UPLOAD_TIMEOUT,
            )
            _raise_for(response, "upload a video")
            etags.append(response.headers.get("etag", ""))
        response = self._send(
            "POST",
            "/rest/videos?action=finalizeUpload",
            "finish a video upload",
            json={
                "finalizeUploadRequest": {
                    "video": video,
                    "uploadToken": value.get("uploadToken", ""),
                    "uploadedPartIds": etags,
                }
            },
        )
        _raise_for(response, "finish a video upload")
        self._wait_until_available(video)
        return video

    def _wait_until_available(self, video: str) -> None:
        waited = 0.0
        while True:
            response = self._send("GET", f"/rest/videos/{_encoded(video)}", "check a video")
            _raise_for(response, "check a video")
            status = json_body(response).get("status")
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise ConnectorError("LinkedIn could not process the video.", retryable=False)
            if waited >= MAX_PROCESSING_S:
                raise ConnectorError(
                    "LinkedIn is still processing the video; publishing will be retried.",
                    retryable=True,
                )
            self._sleep(5.0)
            waited += 5.0

    def _existing(self, urn: str, hidden: Sequence[str]) -> Published:
        response = self._send("GET", f"/rest/posts/{_encoded(urn)}", "look up the earlier post")
        if response.status_code == 404:
            # LinkedIn remembers deleted posts for a while and keeps refusing their text.
            raise ConnectorError(
                "LinkedIn refused to publish: the text repeats a recent post that has since been "
                "deleted; change the text or publish again tomorrow.",
                retryable=False,
            )
        _raise_for(response, "look up the earlier post", hidden)
        return _published(urn)

    def _send(self, method: str, path: str, doing: str, **kwargs: Any) -> httpx.Response:
        try:
            return send_renewing(self._client, self._renewal, method, path, **kwargs)
        except httpx.HTTPError as error:
            raise unreachable(PLATFORM, doing, error) from None


def _encoded(urn: str) -> str:
    return quote(urn, safe="")


def _detail(response: httpx.Response) -> str:
    # LinkedIn answers {"message": ..., "status": ..., "serviceErrorCode": ...}.
    body = json_body(response)
    return str(body.get("message") or "")


def _raise_for(response: httpx.Response, doing: str, hidden: Sequence[str] = ()) -> None:
    if response.is_success:
        return
    retry_after = retry_after_header(response.headers.get("retry-after"))
    if response.status_code == 429 and retry_after is None:
        retry_after = seconds_until_midnight()
    # docs ("Versioning"): an unknown or sunset version is refused with 426, a missing one with 400.
    if response.status_code == 426 or (
        response.status_code == 400 and "version" in _detail(response).lower()
    ):
        raise ConnectorError(
            f"LinkedIn refused to {doing}: the API version phigate asked for is no longer "
            "served; store the account's credentials again with a current api_version (YYYYMM).",
            retryable=False,
        )
    raise failure(
        PLATFORM,
        doing,
        response.status_code,
        _detail(response),
        retry_after=retry_after,
        hidden=hidden,
    )


def _published(urn: str) -> Published:
    return Published(urn, f"https://www.linkedin.com/feed/update/{urn}/")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
