"""Workforce members and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    AUTHOR = "author"  # drafts posts and replies
    REVIEWER = "reviewer"  # compliance office: approves posts
    PRIVACY_OFFICER = "privacy_officer"  # approves accounts, owns authorizations and incidents
    ADMIN = "admin"
    AUDITOR = "auditor"  # reads the audit trail, changes nothing


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    active: bool = True

    def has(self, role: Role) -> bool:
        return self.active and role in self.roles
