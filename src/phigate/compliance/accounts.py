"""The organization's social accounts: opened on request, approved by the privacy officer,
posted to only by people granted rights on them, and suspendable at any time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class SocialAccount:
    id: str
    platform: str  # "bluesky", "facebook", "instagram", ...
    handle: str
    owner_id: str
    status: AccountStatus
    requested_by: str
    approved_by: str | None = None
