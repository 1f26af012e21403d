"""Bluesky and any AT Protocol server, with the `atproto` SDK.

The idempotency key travels inside the post record as a custom field (`phigateKey`): AT Protocol
records may carry fields beyond the lexicon, and clients ignore them; the key never appears in the
text people read. Publishing, replying and images use only `com.atproto.repo.*` calls, so a bare
PDS (no AppView) is enough; reading notifications (`app.bsky.notification.listNotifications`) is
answered by the AppView, which the PDS proxies to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from atproto import Client
from atproto.exceptions import (
    AtProtocolError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
)

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published

COLLECTION = "app.bsky.feed.post"
# app.bsky.embed.images: at most 4 images, each blob at most 1,000,000 bytes (the lexicon's
# maxLength and maxSize); the Bluesky app shows JPEG, PNG, WebP and GIF.
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 1_000_000
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# Notification reasons that carry words written to the account (app.bsky.notification.listNotifications).
INBOUND_REASONS = {
    "reply": InboundKind.REPLY,
    "mention": InboundKind.MENTION,
    "quote": InboundKind.MENTION,
}
PAGE_SIZE = 50


class BlueskyConnector:
    platform = "bluesky"

    def __init__(self, service_url: str, handle: str, app_password: str) -> None:
        self._client = Client(base_url=service_url)
        try:
            self._client.login(handle, app_password, fetch_bsky_profile=False)  # no AppView needed
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "sign in to Bluesky") from None
        self._did = self._client._session.did if self._client._session else handle

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        _check_images(media)
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": text,
            "createdAt": _now(),
            "phigateKey": idempotency_key,
        }
        if reply_to:
            record["reply"] = self._reply_refs(reply_to)
        if media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [{"alt": item.alt_text, "image": self._upload(item)} for item in media],
            }
        try:
            response = self._client.com.atproto.repo.create_record(
                {"repo": self._did, "collection": COLLECTION, "record": record}
            )
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "publish to Bluesky") from None
        return Published(response.uri, _web_url(response.uri))

    def find(self, idempotency_key: str) -> Published | None:
        try:
            page = self._client.com.atproto.repo.list_records(
                {"repo": self._did, "collection": COLLECTION, "limit": 100}
            )
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "list Bluesky posts") from None
        for item in page.records:
            if _field(item.value, "phigateKey") == idempotency_key:
                return Published(item.uri, _web_url(item.uri))
        return None

    def delete(self, platform_id: str) -> None:
        rkey = platform_id.rsplit("/", 1)[-1]
        try:
            self._client.com.atproto.repo.delete_record(
                {"repo": self._did, "collection": COLLECTION, "rkey": rkey}
            )
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "delete the Bluesky post") from None

    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        """Replies, mentions and quotes, newest first, page by page until `since` is reached."""
        found: list[Inbound] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            try:
                page = self._client.app.bsky.notification.list_notifications(params)
            except (AtProtocolError, NetworkError) as error:
                raise _classify(error, "read Bluesky notifications") from None
            reached_since = False
            for note in page.notifications:
                indexed = _parse_time(note.indexed_at)
                if since is not None and indexed < since:
                    reached_since = True
                    break
                kind = INBOUND_REASONS.get(note.reason)
                if kind is None:
                    continue  # likes, reposts, follows: nothing written to answer
                author = note.author.display_name or note.author.handle
                text = str(_field(note.record, "text") or "")
                found.append(Inbound("bluesky", kind, author, text, indexed, note.uri))
            cursor = page.cursor
            if reached_since or not cursor or not page.notifications:
                return found

    def _reply_refs(self, parent_uri: str) -> dict[str, Any]:
        """Strong refs (uri + cid) to the parent and the thread's root (app.bsky.feed.post#replyRef):
        the root of a reply to a reply is the parent's own root."""
        parts = parent_uri.removeprefix("at://").split("/")
        if len(parts) != 3:
            raise ConnectorError(
                "Bluesky cannot reply: the item answered has no valid post address.",
                retryable=False,
            )
        repo, collection, rkey = parts
        try:
            parent = self._client.com.atproto.repo.get_record(
                {"repo": repo, "collection": collection, "rkey": rkey}
            )
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "find the Bluesky post being answered") from None
        if not parent.cid:
            raise ConnectorError(
                "Bluesky cannot reply: the post being answered has no content id.",
                retryable=False,
            )
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        root_ref = parent_ref
        existing = _field(parent.value, "reply")
        root = _field(existing, "root") if existing is not None else None
        if root is not None:
            root_ref = {"uri": _field(root, "uri"), "cid": _field(root, "cid")}
        return {"root": root_ref, "parent": parent_ref}

    def _upload(self, item: MediaItem) -> dict[str, Any]:
        try:
            response = self._client.com.atproto.repo.upload_blob(
                item.data, headers={"Content-Type": item.media_type}
            )
        except (AtProtocolError, NetworkError) as error:
            raise _classify(error, "upload an image to Bluesky") from None
        blob: dict[str, Any] = response.blob.model_dump(mode="json", by_alias=True)
        return blob


def _check_images(media: Sequence[MediaItem]) -> None:
    if len(media) > MAX_IMAGES:
        raise ConnectorError(
            f"Bluesky refused to publish: a post carries at most {MAX_IMAGES} images "
            f"(this one has {len(media)}).",
            retryable=False,
        )
    for item in media:
        if item.media_type not in IMAGE_TYPES:
            raise ConnectorError(
                f"Bluesky refused to publish: it shows JPEG, PNG, WebP or GIF images "
                f"here, not {item.media_type}.",
                retryable=False,
            )
        if len(item.data) > MAX_IMAGE_BYTES:
            raise ConnectorError(
                f"Bluesky refused to publish: an image is {len(item.data):,} bytes; the limit "
                f"is {MAX_IMAGE_BYTES:,}. Use a smaller image.",
                retryable=False,
            )


def _field(value: Any, name: str) -> Any:
    """A record field, whether the SDK returned a dict, a typed model or a model with extras."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(name)
    found = getattr(value, name, None)
    if found is None and hasattr(value, "model_extra"):
        found = (value.model_extra or {}).get(name)
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _parse_time(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _classify(error: Exception, doing: str) -> ConnectorError:
    status = None
    code = ""
    if isinstance(error, RequestErrorBase) and error.response is not None:
        status = error.response.status_code
        code = str(getattr(error.response.content, "error", "") or "")  # XRPC error name
    if isinstance(error, NetworkError) or status in (429, 500, 502, 503, 504):
        retry_after = None
        if isinstance(error, RateLimitExceededError) and error.reset_at is not None:
            # 429 carries RateLimit-Reset, a Unix time (docs.bsky.app, "Rate Limits").
            retry_after = max(1.0, (error.reset_at - datetime.now(UTC)).total_seconds())
        return ConnectorError(
            f"Bluesky could not {doing} right now (status {status or 'network'}); it will be retried.",
            retryable=True,
            retry_after=retry_after,
        )
    if status in (401, 403) or code in ("ExpiredToken", "InvalidToken", "AuthenticationRequired"):
        return ConnectorError(
            f"Bluesky refused to {doing}: the account's app password is wrong, expired or "
            "revoked; store a new one with `phigate publish credentials`.",
            retryable=False,
        )
    detail = f", {code}" if code else ""
    return ConnectorError(f"Bluesky refused to {doing} (status {status}{detail}).", retryable=False)


def _web_url(uri: str) -> str | None:
    # at://did/app.bsky.feed.post/rkey -> https://bsky.app/profile/did/post/rkey
    parts = uri.removeprefix("at://").split("/")
    return f"https://bsky.app/profile/{parts[0]}/post/{parts[-1]}" if len(parts) == 3 else None
