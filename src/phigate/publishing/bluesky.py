"""Bluesky and any AT Protocol server, with the `atproto` SDK.

The idempotency key travels inside the post record as a custom field (`phigateKey`): AT Protocol
records may carry fields beyond the lexicon, and clients ignore them; the key never appears in the
text people read. Only `com.atproto.repo.*` calls are used, so a bare PDS (no AppView) is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from atproto import Client
from atproto.exceptions import AtProtocolError, NetworkError, RequestException

from phigate.publishing.connectors import ConnectorError, MediaItem, Published

COLLECTION = "app.bsky.feed.post"


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
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "phigateKey": idempotency_key,
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
            value = item.value
            key = (
                value.get("phigateKey")
                if isinstance(value, dict)
                else getattr(value, "phigateKey", None)
            )
            if key is None and hasattr(value, "model_extra"):
                key = (value.model_extra or {}).get("phigateKey")
            if key == idempotency_key:
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


def _classify(error: Exception, doing: str) -> ConnectorError:
    status = None
    if isinstance(error, RequestException) and error.response is not None:
        status = error.response.status_code
    if isinstance(error, NetworkError) or status in (429, 500, 502, 503, 504):
        return ConnectorError(
            f"Bluesky could not {doing} right now (status {status or 'network'}); it will be retried.",
            retryable=True,
        )
    if status in (401, 403):
        return ConnectorError(
            f"Bluesky refused to {doing}: the account's app password is wrong or revoked.",
            retryable=False,
        )
    return ConnectorError(f"Bluesky refused to {doing} (status {status}).", retryable=False)


def _web_url(uri: str) -> str | None:
    # at://did/app.bsky.feed.post/rkey -> https://bsky.app/profile/did/post/rkey
    parts = uri.removeprefix("at://").split("/")
    return f"https://bsky.app/profile/{parts[0]}/post/{parts[-1]}" if len(parts) == 3 else None
