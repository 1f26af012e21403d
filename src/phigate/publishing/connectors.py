"""One interface for every platform; one module per platform behind it.

A connector publishes text, deletes a post, and can find a post it published earlier by the
idempotency key phigate embeds, so a publish interrupted between the platform's answer and
phigate's record is reconciled instead of repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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


class Connector(Protocol):
    platform: str

    def publish(self, text: str, idempotency_key: str) -> Published: ...

    def find(self, idempotency_key: str) -> Published | None:
        """The post published earlier with this key, if the platform has it."""
        ...

    def delete(self, platform_id: str) -> None: ...
