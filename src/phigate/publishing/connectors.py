"""One interface for every platform; one module per platform behind it.

A connector publishes text, deletes a post, and can find a post it published earlier by the
idempotency key phigate embeds, so a publish interrupted between the platform's answer and
phigate's record is reconciled instead of repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from phigate.engagement.inbox import Inbound


class ConnectorError(Exception):
    """A platform refused or failed. `retryable` says whether trying again later can help."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Published:
    platform_id: str  # what the platform calls the post (an AT URI, a status id, ...)
    url: str | None = None


@dataclass(frozen=True)
class MediaItem:
    """One attached image or video, as the publisher hands it over: already scanned and approved."""

    data: bytes
    media_type: str  # image/jpeg, image/png, video/mp4, ...
    alt_text: str = ""


class Connector(Protocol):
    platform: str

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        """Publish; `reply_to` is the platform's id of the comment or review being answered."""
        ...

    def find(self, idempotency_key: str) -> Published | None:
        """The post published earlier with this key, if the platform has it."""
        ...

    def delete(self, platform_id: str) -> None: ...


@runtime_checkable  # the inbox poller asks each account's connector whether it can read
class InboundSource(Protocol):
    """A connector that can also read what the public writes to the account."""

    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        """Comments, replies, mentions and reviews received after `since` (all when None)."""
        ...
