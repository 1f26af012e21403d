"""Instagram business and creator accounts, through the Instagram Graph API (Facebook Login).

Content publishing (https://developers.facebook.com/docs/instagram-platform/content-publishing/)
is two steps: POST /{ig-user-id}/media makes a container from `image_url` or `video_url` and the
caption, then POST /{ig-user-id}/media_publish publishes it by `creation_id`. Several items make a
carousel: one container per item with `is_carousel_item=true`, then a CAROUSEL container with
`children`. A video is a REELS container. Containers are processed asynchronously, so each one's
`status_code` is read (GET /{container-id}?fields=status_code) until it is FINISHED.

The Graph API downloads media itself, from a URL: every item is served by phigate under
`media_base_url` (see media_urls), which must be reachable from the internet.

Every Instagram post needs a photo or a video; a text-only post is refused. Instagram's API cannot
delete a feed post (the IG Media reference lists no Deleting operation:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/),
so `delete` says to delete it in the app; a reply phigate wrote (platform id "comment:<id>") can be
deleted with DELETE /{ig-comment-id}.

Comments: GET /{ig-media-id}/comments on the account's recent media; replies: POST
/{ig-comment-id}/replies (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies/).
Caption @mentions of the account reach apps only through webhooks, so they are not fetched here.

The caption carries the idempotency key as an invisible marker (see invisible_marker); `find`
looks for it among the account's recent media (GET /{ig-user-id}/media).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.graph_api import (
    GRAPH_BASE_URL,
    GraphClient,
    parse_graph_time,
)
from phigate.publishing.invisible_marker import carries, with_marker
from phigate.publishing.media_urls import public_media_url
from phigate.publishing.platform_http import understood_answers

COMMENT_PREFIX = "comment:"  # a reply's platform id, told apart from a post's when deleting
MAX_CAROUSEL_ITEMS = 10
RECENT_MEDIA = 50
COMMENTED_MEDIA = 25
COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},replies{id,text,timestamp,username,from{id,username}}"
PROCESSING_CHECKS = 30
PROCESSING_PAUSE_S = 2.0  # Meta suggests checking about once a minute for at most five minutes;
# a photo is ready in seconds, and a video still processing is simply retried later.


class InstagramConnector:
    platform = "instagram"

    def __init__(
        self,
        ig_user_id: str,
        access_token: str,
        media_base_url: str,
        base_url: str = GRAPH_BASE_URL,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._user = ig_user_id
        self._media_base_url = media_base_url
        self._graph = GraphClient("Instagram", access_token, base_url)
        self._sleep = sleep

    @understood_answers("Instagram")
    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        if reply_to is not None:
            answer = self._graph.call(
                "POST",
                f"/{reply_to.removeprefix(COMMENT_PREFIX)}/replies",
                "reply to the comment",
                data={"message": text},
                hidden=(text,),
            )
            return Published(COMMENT_PREFIX + str(answer["id"]), None)
        if not media:
            raise ConnectorError(
                "Instagram needs a photo or a video in every post; add one, "
                "or take the Instagram account off this post.",
                retryable=False,
            )
        if len(media) > MAX_CAROUSEL_ITEMS:
            raise ConnectorError(
                f"Instagram takes at most {MAX_CAROUSEL_ITEMS} photos or videos in one post; "
                "remove some.",
                retryable=False,
            )
        caption = with_marker(text, idempotency_key)
        if len(media) == 1:
            container = self._container(media[0], {"caption": caption})
        else:
            children = [self._container(item, {"is_carousel_item": "true"}) for item in media]
            for child in children:  # a carousel is made only of processed items
                self._wait_until_ready(child)
            container = self._create(
                {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption}
            )
        self._wait_until_ready(container)
        answer = self._graph.call(
            "POST", f"/{self._user}/media_publish", "publish", data={"creation_id": container}
        )
        media_id = str(answer["id"])
        return Published(media_id, self._permalink(media_id))

    @understood_answers("Instagram")
    def find(self, idempotency_key: str) -> Published | None:
        answer = self._graph.call(
            "GET",
            f"/{self._user}/media",
            "look up the account's recent posts",
            params={"fields": "id,caption,permalink", "limit": str(RECENT_MEDIA)},
        )
        for item in answer.get("data", []):
            if carries(item.get("caption"), idempotency_key):
                return Published(str(item["id"]), item.get("permalink"))
        return None

    @understood_answers("Instagram")
    def delete(self, platform_id: str) -> None:
        if platform_id.startswith(COMMENT_PREFIX):
            self._graph.call(
                "DELETE",
                f"/{platform_id.removeprefix(COMMENT_PREFIX)}",
                "delete the reply",
                gone_ok=True,
            )
            return
        raise ConnectorError(
            "Instagram does not let apps delete posts. Delete it in the Instagram app: "
            "open the post, tap the three dots, then Delete.",
            retryable=False,
        )

    @understood_answers("Instagram")
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        recent = self._graph.call(
            "GET",
            f"/{self._user}/media",
            "read the account's recent posts",
            params={"fields": "id,timestamp,comments_count", "limit": str(COMMENTED_MEDIA)},
        )
        found: list[Inbound] = []
        for item in recent.get("data", []):
            if not item.get("comments_count", 1):
                continue  # nothing to read: spare the request
            answer = self._graph.call(
                "GET",
                f"/{item['id']}/comments",
                "read comments",
                params={"fields": COMMENT_FIELDS, "limit": "50"},
            )
            for comment in answer.get("data", []):
                found.extend(self._inbound(comment, InboundKind.COMMENT, since))
                for reply in comment.get("replies", {}).get("data", []):
                    found.extend(self._inbound(reply, InboundKind.REPLY, since))
        return found

    def _inbound(
        self, comment: dict[str, object], kind: InboundKind, since: datetime | None
    ) -> list[Inbound]:
        received = parse_graph_time(str(comment["timestamp"]))
        author = comment.get("from")
        if isinstance(author, dict) and author.get("id") == self._user:
            return []  # the account's own replies are not inbound
        if since is not None and received <= since:
            return []
        name = comment.get("username") or "an Instagram user"
        return [Inbound(self.platform, kind, str(name), str(comment.get("text") or ""), received, str(comment["id"]))]  # fmt: skip

    def _container(self, item: MediaItem, extra: dict[str, str]) -> str:
        url = public_media_url(self._media_base_url, item)
        if item.media_type.startswith("video/"):
            kind = "VIDEO" if "is_carousel_item" in extra else "REELS"
            return self._create({"media_type": kind, "video_url": url, **extra})
        alt = {"alt_text": item.alt_text} if item.alt_text else {}
        return self._create({"image_url": url, **alt, **extra})

    def _create(self, data: dict[str, str]) -> str:
        hidden = (data.get("caption", ""), data.get("alt_text", ""))  # never echoed in an error
        answer = self._graph.call(
            "POST", f"/{self._user}/media", "prepare the post", data=data, hidden=hidden
        )
        return str(answer["id"])

    def _wait_until_ready(self, container: str) -> None:
        for _ in range(PROCESSING_CHECKS):
            answer = self._graph.call(
                "GET",
                f"/{container}",
                "check the photo or video",
                params={"fields": "status_code"},
            )
            status = answer.get("status_code")
            if status in ("FINISHED", "PUBLISHED", None):
                return
            if status in ("ERROR", "EXPIRED"):
                raise ConnectorError(
                    f"Instagram could not process the photo or video (status {status}); check "
                    "that it is a JPEG photo or an MP4 video Instagram accepts, and that "
                    "phigate's media address is reachable from the internet.",
                    retryable=False,
                )
            self._sleep(PROCESSING_PAUSE_S)
        raise ConnectorError(
            "Instagram is still processing the video; it will be retried.",
            retryable=True,
            retry_after=60.0,
        )

    def _permalink(self, media_id: str) -> str | None:
        # The post is already public: failing to learn its address must not fail the publish.
        try:
            answer = self._graph.call(
                "GET", f"/{media_id}", "read the post's address", params={"fields": "permalink"}
            )
        except ConnectorError:
            return None
        permalink = answer.get("permalink")
        return str(permalink) if permalink else None
