"""Mastodon, with Mastodon.py.

Mastodon honours an Idempotency-Key header on POST /api/v1/statuses (a repeat within an hour returns
the first status), so an interrupted publish is simply sent again with the same key: the server
reconciles it. `find` has nothing to add and returns None.

Media go up first (POST /api/v2/media), then their ids ride on the status (`media_ids[]`). A reply
names the status it answers (`in_reply_to_id`). The inbox reads mentions, which include replies
(GET /api/v1/notifications?types[]=mention), newest first, page by page until `since`.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published

# A status carries at most four attachments (docs: POST /api/v1/statuses, media_ids[]).
MAX_ATTACHMENTS = 4
PAGE_SIZE = 40  # the documented default and maximum `limit` for notifications is 40 / 80


class MastodonConnector:
    platform = "mastodon"
    # POST /api/v2/media answers 202 with `url: null` while a large file is processed; the status
    # may attach it only once processed (GET /api/v1/media/:id answers 200 with the url).
    processing_checks = 30
    processing_wait_s = 2.0

    def __init__(self, api_base_url: str, access_token: str) -> None:
        # No version probe at start-up: it costs a request and some servers hide their version.
        self._client = Mastodon(
            access_token=access_token,
            api_base_url=api_base_url,
            version_check_mode="none",
            ratelimit_method="throw",
        )

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        if len(media) > MAX_ATTACHMENTS:
            raise ConnectorError(
                f"Mastodon refused to publish: a post carries at most {MAX_ATTACHMENTS} "
                f"images or videos (this one has {len(media)}).",
                retryable=False,
            )
        media_ids = [self._upload(item) for item in media]
        try:
            status = self._client.status_post(
                text,
                visibility="public",
                idempotency_key=idempotency_key,
                media_ids=media_ids or None,
                in_reply_to_id=reply_to,
            )
        except Exception as error:  # Mastodon.py raises a family of exceptions; classify them all
            raise _classify(error, "publish to Mastodon", self._reset_in()) from None
        return Published(str(status["id"]), status.get("url"))

    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        found: list[Inbound] = []
        max_id: str | None = None
        while True:
            try:
                page = self._client.notifications(types=["mention"], max_id=max_id, limit=PAGE_SIZE)
            except Exception as error:
                raise _classify(error, "read Mastodon mentions", self._reset_in()) from None
            for note in page:
                received = _utc(note["created_at"])
                if since is not None and received < since:
                    return found
                status = note.get("status")
                if not status:
                    continue
                account = note["account"]
                found.append(
                    Inbound(
                        "mastodon",
                        InboundKind.REPLY if status.get("in_reply_to_id") else InboundKind.MENTION,
                        account.get("display_name") or account["acct"],
                        _plain_text(status.get("content") or ""),
                        received,
                        str(status["id"]),  # what in_reply_to_id takes
                    )
                )
            if len(page) < PAGE_SIZE:
                return found
            max_id = str(page[-1]["id"])

    def _upload(self, item: MediaItem) -> str:
        try:
            attachment = self._client.media_post(
                item.data, mime_type=item.media_type, description=item.alt_text or None
            )
            checks = 0
            while attachment.get("url") is None and checks < self.processing_checks:
                time.sleep(self.processing_wait_s)
                attachment = self._client.media(attachment["id"])
                checks += 1
        except Exception as error:
            raise _classify(error, "upload media to Mastodon", self._reset_in()) from None
        if attachment.get("url") is None:
            raise ConnectorError(
                "Mastodon is still processing the post's video; it will be retried.",
                retryable=True,
                retry_after=60.0,
            )
        return str(attachment["id"])

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        try:
            self._client.status_delete(platform_id)
        except MastodonNotFoundError:
            return  # already gone: a takedown's goal is met
        except Exception as error:
            raise _classify(error, "delete the Mastodon post", self._reset_in()) from None

    def _reset_in(self) -> float | None:
        # Mastodon answers 429 with X-RateLimit-Reset (docs: "Rate limits"); Mastodon.py keeps it.
        reset = getattr(self._client, "ratelimit_reset", None)
        return max(1.0, float(reset) - time.time()) if reset else None


def _classify(error: Exception, doing: str, reset_in: float | None = None) -> ConnectorError:
    if isinstance(error, MastodonRatelimitError):
        return ConnectorError(
            f"Mastodon rate-limited the request to {doing}; it will be retried.",
            retryable=True,
            retry_after=reset_in or 60.0,
        )
    if isinstance(error, MastodonServerError | MastodonNetworkError):
        return ConnectorError(
            f"Mastodon could not {doing} right now; it will be retried.", retryable=True
        )
    # Mastodon.py raises API errors as (message, HTTP status, reason, the server's error text).
    status = error.args[1] if isinstance(error, MastodonAPIError) and len(error.args) > 1 else None
    if isinstance(error, MastodonUnauthorizedError) or status == 403:
        return ConnectorError(
            f"Mastodon refused to {doing}: the access token is wrong, expired or revoked, or lacks "
            "a permission; reconnect the account with `phigate publish credentials`.",
            retryable=False,
        )
    if isinstance(error, MastodonAPIError):
        if status == 413:
            return ConnectorError(
                f"Mastodon refused to {doing}: a file is larger than the server accepts.",
                retryable=False,
            )
        # Mastodon's own error text names the rule broken (a character limit, a file type).
        detail = error.args[-1] if error.args else ""
        return ConnectorError(f"Mastodon refused to {doing}: {detail}", retryable=False)
    return ConnectorError(f"Mastodon failed to {doing} ({type(error).__name__}).", retryable=False)


def _plain_text(content: str) -> str:
    """Status content is HTML (docs: Status entity, `content`); the inbox stores plain text."""
    text = re.sub(r"<br\s*/?>", "\n", content)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _utc(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
