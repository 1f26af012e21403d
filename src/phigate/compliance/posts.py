"""Posts and their lifecycle; the content hash that binds an approval to exactly what was approved."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from phigate.compliance.authorizations import ContentKind


class PostState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    TAKEN_DOWN = "taken_down"


S = PostState
TRANSITIONS: dict[PostState, frozenset[PostState]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.DRAFT}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED}),
    S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.DRAFT}),
    S.APPROVED: frozenset({S.SCHEDULED, S.PUBLISHED, S.IN_REVIEW}),
    S.SCHEDULED: frozenset({S.PUBLISHED, S.IN_REVIEW, S.APPROVED}),
    S.PUBLISHED: frozenset({S.TAKEN_DOWN}),
    S.REJECTED: frozenset(),
    S.TAKEN_DOWN: frozenset(),
}
EDITABLE = frozenset(
    {S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED}
)


class TransitionError(ValueError):
    """A lifecycle step that is not allowed; the message says which and why."""


def content_hash(text: str, media_hashes: Iterable[str] = ()) -> str:
    """The fingerprint of what will be published: the text and every media file, in order."""
    digest = hashlib.sha256(text.encode("utf-8"))
    for media in media_hashes:
        digest.update(b"\x00" + media.encode("ascii"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Approval:
    reviewer_id: str
    content_hash: str
    at: datetime


@dataclass(frozen=True)
class ScanRecord:
    content_hash: str
    verdict: str  # "allow", "review" or "block"
    identifier_types: tuple[str, ...]  # types only: a post's scan record never holds its text
    at: datetime


@dataclass(frozen=True)
class Post:
    id: str
    author_id: str
    text: str
    state: PostState = S.DRAFT
    media_hashes: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    authorization_ids: tuple[str, ...] = ()
    content_kinds: frozenset[ContentKind] = frozenset({ContentKind.POST})
    scheduled_for: datetime | None = None
    approval: Approval | None = None
    scan: ScanRecord | None = None
    history: tuple[tuple[PostState, datetime, str], ...] = field(default_factory=tuple)
    in_reply_to: str | None = (
        None  # the public comment a reply answers: scanned with it, never published
    )

    @property
    def content_hash(self) -> str:
        return content_hash(self.text, self.media_hashes)

    def move(self, to: PostState, actor_id: str, at: datetime) -> Post:
        if to not in TRANSITIONS[self.state]:
            raise TransitionError(f"a post that is {self.state.value} cannot become {to.value}")
        return replace(self, state=to, history=(*self.history, (to, at, actor_id)))

    def edit(self, text: str, media_hashes: tuple[str, ...], actor_id: str, at: datetime) -> Post:
        """Change the content. After approval this withdraws the approval and returns the post to
        review: an approval covers exactly the content it saw."""
        if self.state not in EDITABLE:
            raise TransitionError(f"a post that is {self.state.value} cannot be edited")
        edited = replace(self, text=text, media_hashes=media_hashes)
        if edited.content_hash == self.content_hash:
            return self
        if self.state in (S.APPROVED, S.SCHEDULED):
            edited = replace(edited, approval=None)
            return edited.move(S.IN_REVIEW, actor_id, at)
        return edited
