"""YouTube, through the YouTube Data API v3 with OAuth (scope youtube.force-ssl).

- A post is a video: a resumable upload (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
  POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status with the metadata, then
  PUT the bytes to the session URL the answer's Location header names. An upload cut off midway
  is not resumed: the next attempt asks `find` first, then starts a new session. The text's first line is
  the title (at most 100 characters, no < or >: https://developers.google.com/youtube/v3/docs/videos#snippet.title)
  and the whole text the description. Text without a video is refused.
- Reply to a comment: POST /youtube/v3/comments?part=snippet with snippet.parentId
  (https://developers.google.com/youtube/v3/docs/comments/insert). YouTube threads are one level
  deep, so a reply to a reply goes to its thread's top-level comment (a reply's id is
  "<top-level id>.<suffix>").
- Delete: DELETE /youtube/v3/videos?id=... or, for a reply phigate wrote (platform id
  "comment:<id>"), DELETE /youtube/v3/comments?id=...
- Comments: GET /youtube/v3/commentThreads?allThreadsRelatedToChannelId=... newest first
  (https://developers.google.com/youtube/v3/docs/commentThreads/list); a thread lists some of its
  replies, not necessarily all.

The idempotency key travels as a video tag ("phigate-<key>"): tags are not shown on the watch page.
`find` reads the channel's uploads playlist (channels.list mine=true, playlistItems.list, then
videos.list for the tags), one quota unit each, instead of search.list's hundred.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.google_api import (
    UPLOAD_TIMEOUT,
    GoogleAuth,
    GoogleClient,
    parse_rfc3339,
)
from phigate.publishing.platform_http import understood_answers

YOUTUBE_BASE_URL = "https://www.googleapis.com"
TITLE_LIMIT = 100
KEY_TAG_PREFIX = "phigate-"
COMMENT_PREFIX = "comment:"  # a reply's platform id, told apart from a video's when deleting
RECENT_UPLOADS = 50
COMMENT_PAGES = 5  # 100 threads a page; older threads wait for the next fetch or a person


class YouTubeConnector:
    platform = "youtube"

    def __init__(
        self, auth: GoogleAuth, base_url: str = YOUTUBE_BASE_URL, privacy_status: str = "public"
    ) -> None:
        self._api = GoogleClient("YouTube", auth, base_url)
        self._privacy_status = privacy_status
        self._channel: tuple[str, str] | None = None  # (channel id, uploads playlist id)

    @understood_answers("YouTube")
    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        if reply_to is not None:
            if media:
                raise ConnectorError(
                    "YouTube comments carry text only; remove the media from the reply.",
                    retryable=False,
                )
            return self._reply(text, reply_to)
        if not any(item.media_type.startswith("video/") for item in media):
            raise ConnectorError(
                "YouTube publishes videos only; add a video to the post, "
                "or take the YouTube account off this post.",
                retryable=False,
            )
        if len(media) != 1:
            raise ConnectorError(
                "YouTube takes one video per post, without photos beside it; "
                "remove the other media.",
                retryable=False,
            )
        video = media[0]
        title, description = title_and_description(text)
        metadata = {
            "snippet": {
                "title": title,
                "description": description,
                "tags": [KEY_TAG_PREFIX + idempotency_key],
            },
            "status": {"privacyStatus": self._privacy_status, "selfDeclaredMadeForKids": False},
        }
        session = self._api.call(
            "POST",
            "/upload/youtube/v3/videos",
            "start the video upload",
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=metadata,
            hidden=(text,),
            headers={
                "X-Upload-Content-Length": str(len(video.data)),
                "X-Upload-Content-Type": video.media_type,
            },
        )
        location = session.headers.get("Location")
        if not location:
            raise ConnectorError(
                "YouTube did not open an upload session (no Location header); it will be retried.",
                retryable=True,
            )
        uploaded = self._api.call_json(
            "PUT",
            location,
            "upload the video",
            content=video.data,
            headers={"Content-Type": video.media_type},
            timeout=UPLOAD_TIMEOUT,
        )
        video_id = str(uploaded["id"])
        return Published(video_id, f"https://www.youtube.com/watch?v={video_id}")

    @understood_answers("YouTube")
    def find(self, idempotency_key: str) -> Published | None:
        _, uploads = self._channel_ids()
        listed = self._api.call_json(
            "GET",
            "/youtube/v3/playlistItems",
            "list the channel's uploads",
            params={"part": "contentDetails", "playlistId": uploads, "maxResults": str(RECENT_UPLOADS)},
            gone_ok=True,  # a channel that never uploaded has no uploads playlist yet
        )  # fmt: skip
        items = _json_items(listed)
        ids = [str(i["contentDetails"]["videoId"]) for i in items if "contentDetails" in i]
        if not ids:
            return None
        videos = self._api.call_json(
            "GET",
            "/youtube/v3/videos",
            "read the channel's recent videos",
            params={"part": "snippet", "id": ",".join(ids)},
        )
        tag = KEY_TAG_PREFIX + idempotency_key
        for video in _json_items(videos):
            if tag in (video.get("snippet", {}).get("tags") or []):
                return Published(str(video["id"]), f"https://www.youtube.com/watch?v={video['id']}")
        return None

    @understood_answers("YouTube")
    def delete(self, platform_id: str) -> None:
        if platform_id.startswith(COMMENT_PREFIX):
            comment_id = platform_id.removeprefix(COMMENT_PREFIX)
            self._api.call("DELETE", "/youtube/v3/comments", "delete the reply",
                           params={"id": comment_id}, gone_ok=True)  # fmt: skip
            return
        self._api.call("DELETE", "/youtube/v3/videos", "delete the video",
                       params={"id": platform_id}, gone_ok=True)  # fmt: skip

    @understood_answers("YouTube")
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        channel_id, _ = self._channel_ids()
        found: list[Inbound] = []
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": channel_id,
            "maxResults": "100",
            "order": "time",
            "textFormat": "plainText",
        }
        for _ in range(COMMENT_PAGES):
            page = self._api.call_json(
                "GET", "/youtube/v3/commentThreads", "read comments", params=params
            )
            threads = _json_items(page)
            for thread in threads:
                top = thread["snippet"]["topLevelComment"]
                found.extend(self._inbound(top, InboundKind.COMMENT, channel_id, since))
                for reply in thread.get("replies", {}).get("comments", []):
                    found.extend(self._inbound(reply, InboundKind.REPLY, channel_id, since))
            oldest = threads[-1]["snippet"]["topLevelComment"]["snippet"]["publishedAt"] if threads else None  # fmt: skip
            token = page.get("nextPageToken")
            if (
                not token
                or oldest is None
                or (since is not None and parse_rfc3339(oldest) <= since)
            ):
                break
            params["pageToken"] = str(token)
        return found

    def _inbound(
        self, comment: dict[str, Any], kind: InboundKind, channel_id: str, since: datetime | None
    ) -> list[Inbound]:
        snippet = comment["snippet"]
        received = parse_rfc3339(snippet["publishedAt"])
        if snippet.get("authorChannelId", {}).get("value") == channel_id:
            return []  # the channel's own comments and replies are not inbound
        if since is not None and received <= since:
            return []
        author = str(snippet.get("authorDisplayName") or "a YouTube user")
        text = str(snippet.get("textDisplay") or "")
        return [Inbound(self.platform, kind, author, text, received, str(comment["id"]))]

    def _reply(self, text: str, reply_to: str) -> Published:
        parent = reply_to.removeprefix(COMMENT_PREFIX).split(".", 1)[0]
        answer = self._api.call_json(
            "POST",
            "/youtube/v3/comments",
            "reply to the comment",
            params={"part": "snippet"},
            json={"snippet": {"parentId": parent, "textOriginal": text}},
            hidden=(text,),
        )
        return Published(COMMENT_PREFIX + str(answer["id"]), None)

    def _channel_ids(self) -> tuple[str, str]:
        if self._channel is None:
            answer = self._api.call_json(
                "GET",
                "/youtube/v3/channels",
                "read the channel",
                params={"part": "id,contentDetails", "mine": "true"},
            )
            channels = _json_items(answer)
            if not channels:
                raise ConnectorError(
                    "YouTube found no channel for the connected Google account; "
                    "reconnect with the account that owns the channel.",
                    retryable=False,
                )
            channel = channels[0]
            uploads = channel["contentDetails"]["relatedPlaylists"]["uploads"]
            self._channel = (str(channel["id"]), str(uploads))
        return self._channel


def title_and_description(text: str) -> tuple[str, str]:
    """The first non-empty line as the title, the whole text as the description; YouTube refuses
    < and > in both, and titles over 100 characters."""
    cleaned = text.replace("<", "").replace(">", "").strip()
    first = next((line.strip() for line in cleaned.splitlines() if line.strip()), "")
    if len(first) > TITLE_LIMIT:
        first = first[: TITLE_LIMIT - 1].rstrip() + "…"
    return first, cleaned


def _json_items(body: Any) -> list[dict[str, Any]]:
    items = body.get("items") if isinstance(body, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
