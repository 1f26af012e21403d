"""Facebook Pages, through the Graph API with a Page access token.

- Text: POST /{page-id}/feed with `message`
  (https://developers.facebook.com/docs/pages-api/posts/).
- Photos: each uploaded with POST /{page-id}/photos `published=false` (with `alt_text_custom`), then
  attached to the feed post as `attached_media[i]={"media_fbid": ...}`
  (https://developers.facebook.com/docs/graph-api/reference/page/photos/).
- A video: POST /{page-id}/videos on graph-video.facebook.com with `source` and `description`
  (https://developers.facebook.com/docs/graph-api/reference/page/videos/); a Page post carries one
  video and no photos beside it.
- Reply to a comment: POST /{comment-id}/comments
  (https://developers.facebook.com/docs/graph-api/reference/object/comments/).
- Delete: DELETE /{post-id}, which also removes a comment or a video by its id.
- Comments: GET /{page-id}/feed?fields=comments{...} on the Page's recent posts; mentions: posts
  that tag the Page, GET /{page-id}/tagged
  (https://developers.facebook.com/docs/graph-api/reference/page/tagged/), answered with a comment.

The Graph API has no idempotency header and keeps no custom fields on a post, so the key travels as
an invisible marker after the message (see invisible_marker); `find` looks for it among the Page's
recent posts (GET /{page-id}/posts). Replies carry no marker: the publisher only reconciles posts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.graph_api import (
    GRAPH_BASE_URL,
    UPLOAD_TIMEOUT,
    GraphClient,
    parse_graph_time,
)
from phigate.publishing.invisible_marker import carries, with_marker
from phigate.publishing.platform_http import understood_answers

GRAPH_VIDEO_BASE_URL = "https://graph-video.facebook.com"  # where the docs send video uploads
RECENT_POSTS = 50  # how far back `find` looks: well beyond a retry's reach
COMMENTED_POSTS = 25  # how many recent posts `fetch_inbound` reads comments from
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id}"


class FacebookConnector:
    platform = "facebook"

    def __init__(
        self,
        page_id: str,
        page_access_token: str,
        base_url: str = GRAPH_BASE_URL,
        video_base_url: str = GRAPH_VIDEO_BASE_URL,
    ) -> None:
        self._page_id = page_id
        self._graph = GraphClient("Facebook", page_access_token, base_url)
        self._video_graph = GraphClient("Facebook", page_access_token, video_base_url)

    @understood_answers("Facebook")
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
                    "Facebook replies from phigate carry text only; remove the photos or video.",
                    retryable=False,
                )
            answer = self._graph.call(
                "POST",
                f"/{reply_to}/comments",
                "reply to the comment",
                data={"message": text},
                hidden=(text,),
            )
            return Published(str(answer["id"]), None)
        message = with_marker(text, idempotency_key)
        videos = [m for m in media if m.media_type.startswith("video/")]
        if videos:
            if len(media) > 1:
                raise ConnectorError(
                    "Facebook takes one video per Page post, without photos beside it; "
                    "split the post or remove the extra media.",
                    retryable=False,
                )
            return self._publish_video(message, videos[0], text)
        data = {"message": message, "published": "true"}
        for index, item in enumerate(media):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": self._upload_photo(item)})
        hidden = (text, *(item.alt_text for item in media))
        answer = self._graph.call(
            "POST", f"/{self._page_id}/feed", "publish", data=data, hidden=hidden
        )
        post_id = str(answer["id"])
        return Published(post_id, f"https://www.facebook.com/{post_id}")

    @understood_answers("Facebook")
    def find(self, idempotency_key: str) -> Published | None:
        answer = self._graph.call(
            "GET",
            f"/{self._page_id}/posts",
            "look up the Page's recent posts",
            params={"fields": "id,message,permalink_url", "limit": str(RECENT_POSTS)},
        )
        for post in answer.get("data", []):
            if carries(post.get("message"), idempotency_key):
                return Published(str(post["id"]), post.get("permalink_url"))
        return None

    @understood_answers("Facebook")
    def delete(self, platform_id: str) -> None:
        self._graph.call("DELETE", f"/{platform_id}", "delete the post", gone_ok=True)

    @understood_answers("Facebook")
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        comments = (
            f"comments.filter(stream).order(reverse_chronological).limit(100){{{COMMENT_FIELDS}}}"
        )
        answer = self._graph.call(
            "GET",
            f"/{self._page_id}/feed",
            "read comments on the Page",
            params={"fields": f"id,{comments}", "limit": str(COMMENTED_POSTS)},
        )
        found: list[Inbound] = []
        for post in answer.get("data", []):
            for comment in post.get("comments", {}).get("data", []):
                received = parse_graph_time(comment["created_time"])
                author = comment.get("from") or {}
                if author.get("id") == self._page_id or (since and received <= since):
                    continue  # the Page's own replies are not inbound
                found.append(
                    Inbound(
                        self.platform,
                        InboundKind.REPLY if comment.get("parent") else InboundKind.COMMENT,
                        # Without the Page's permission to see the commenter, Graph omits `from`.
                        str(author.get("name") or "a Facebook user"),
                        str(comment.get("message") or ""),
                        received,
                        str(comment["id"]),
                    )
                )
        return found + self._mentions(since)

    def _mentions(self, since: datetime | None) -> list[Inbound]:
        answer = self._graph.call(
            "GET",
            f"/{self._page_id}/tagged",
            "read posts that mention the Page",
            params={"fields": "id,message,created_time,from{id,name}", "limit": str(COMMENTED_POSTS)},
        )  # fmt: skip
        found: list[Inbound] = []
        for post in answer.get("data", []):
            received = parse_graph_time(post["created_time"])
            if since is not None and received <= since:
                continue
            author = post.get("from") or {}
            found.append(
                Inbound(self.platform, InboundKind.MENTION, str(author.get("name") or "a Facebook user"),
                        str(post.get("message") or ""), received, str(post["id"]))
            )  # fmt: skip
        return found

    def _upload_photo(self, item: MediaItem) -> str:
        answer = self._graph.call(
            "POST",
            f"/{self._page_id}/photos",
            "upload a photo",
            data={
                "published": "false",
                **({"alt_text_custom": item.alt_text} if item.alt_text else {}),
            },
            files={"source": ("photo", item.data, item.media_type)},
            timeout=UPLOAD_TIMEOUT,
            hidden=(item.alt_text,),
        )
        return str(answer["id"])

    def _publish_video(self, description: str, item: MediaItem, text: str) -> Published:
        answer = self._video_graph.call(
            "POST",
            f"/{self._page_id}/videos",
            "publish the video",
            data={"description": description, "published": "true"},
            files={"source": ("video", item.data, item.media_type)},
            timeout=UPLOAD_TIMEOUT,
            hidden=(text, item.alt_text),
        )
        video_id = str(answer["id"])
        return Published(video_id, f"https://www.facebook.com/{self._page_id}/videos/{video_id}")
