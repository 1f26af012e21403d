"""Mastodon, with Mastodon.py.

Mastodon honours an Idempotency-Key header on POST /api/v1/statuses (a repeat within an hour returns
the first status), so an interrupted publish is simply sent again with the same key: the server
reconciles it. `find` has nothing to add and returns None.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from phigate.publishing.connectors import ConnectorError, MediaItem, Published


class MastodonConnector:
    platform = "mastodon"

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
        try:
            status = self._client.status_post(
                text, visibility="public", idempotency_key=idempotency_key
            )
        except Exception as error:  # Mastodon.py raises a family of exceptions; classify them all
            raise _classify(error, "publish to Mastodon", self._reset_in()) from None
        return Published(str(status["id"]), status.get("url"))

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
    if isinstance(error, MastodonUnauthorizedError):
        return ConnectorError(
            f"Mastodon refused to {doing}: the access token is wrong or revoked.", retryable=False
        )
    if isinstance(error, MastodonAPIError):
        detail = error.args[-1] if error.args else ""
        return ConnectorError(f"Mastodon refused to {doing}: {detail}", retryable=False)
    return ConnectorError(f"Mastodon failed to {doing} ({type(error).__name__}).", retryable=False)
