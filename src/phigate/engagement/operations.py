"""The inbox on the database: import, list, draft replies, and send a reply through the gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from phigate.compliance.authorizations import ContentKind
from phigate.compliance.posts import Post
from phigate.engagement.inbox import ImportProblem, Inbound, InboundKind, parse_export
from phigate.engagement.replies import Draft, draft_replies, self_disclosure
from phigate.scanning import Scanner
from phigate.scanning.profile import EMPTY_PROFILE, OrganizationProfile
from phigate.service import ComplianceService, OperationError, _aware, new_id
from phigate.storage.models import InboundRow


@dataclass(frozen=True)
class InboxItem:
    id: str
    platform: str
    kind: InboundKind
    author: str
    text: str
    received_at: Any
    status: str
    self_disclosure: bool
    disclosed_types: tuple[str, ...]
    rating: int | None
    reply_post_id: str | None


@dataclass
class EngagementOperations:
    service: ComplianceService
    profile: OrganizationProfile = EMPTY_PROFILE

    def import_export(self, content: str, fmt: str, actor: str) -> tuple[int, list[ImportProblem]]:
        items, problems = parse_export(content, fmt)
        imported = sum(self.receive(item) for item in items)
        self.service.record(
            actor, "inbox.imported", "inbox", fmt, imported=imported, rejected=len(problems)
        )
        return imported, problems

    def receive(self, item: Inbound, account_id: str | None = None) -> bool:
        """Store one inbound item once (platform + external id), scanned for self-disclosure.

        `account_id` is the connected account it was fetched from: a reply drafted for it is
        threaded under the item when published to that account.
        """
        exists = self.service.session.scalars(
            select(InboundRow).where(
                InboundRow.platform == item.platform, InboundRow.external_id == item.external_id
            )
        ).first()
        if exists:
            return False
        report = self_disclosure(item.text, self.service.scanner or Scanner(self.profile))
        self.service.session.add(
            InboundRow(
                id=new_id("in"), platform=item.platform, external_id=item.external_id, kind=item.kind.value,
                received_at=item.received_at, status="new", self_disclosure=report.verdict.value != "allow",
                disclosed_types=sorted({f.type.value for f in report.findings}), rating=item.rating,
                content_sealed=self.service.vault.seal({"author": item.author, "text": item.text}),
                account_id=account_id,
            )
        )  # fmt: skip
        self.service.session.flush()
        return True

    def inbox(self, status: str | None = "new") -> list[InboxItem]:
        query = select(InboundRow).order_by(InboundRow.received_at.desc())
        if status:
            query = query.where(InboundRow.status == status)
        return [self._item(r) for r in self.service.session.scalars(query)]

    def item(self, item_id: str) -> InboxItem:
        row = self.service.session.get(InboundRow, item_id)
        if row is None:
            raise OperationError(f"no inbox item with id {item_id}")
        return self._item(row)

    def drafts(self, item_id: str) -> list[Draft]:
        return draft_replies(self.item(item_id).text, self.profile, self.service.scanner)

    def reply(self, item_id: str, author_id: str, text: str, account_ids: list[str]) -> Post:
        """A staff reply is a post of kind reply: scanned with the comment and gated like any post."""
        item = self.item(item_id)
        post = self.service.create_post(
            author_id, text, account_ids, content_kinds={ContentKind.REPLY}, in_reply_to=item.text
        )
        row = self.service.session.get(InboundRow, item_id)
        assert row is not None
        row.reply_post_id = post.id
        row.status = "replied"
        self.service.record(author_id, "inbox.reply_drafted", "inbox", item_id, post=post.id)
        return post

    def dismiss(self, item_id: str, actor: str) -> None:
        row = self.service.session.get(InboundRow, item_id)
        if row is None:
            raise OperationError(f"no inbox item with id {item_id}")
        row.status = "dismissed"
        self.service.record(actor, "inbox.dismissed", "inbox", item_id)

    def _item(self, row: InboundRow) -> InboxItem:
        content = self.service.vault.open(row.content_sealed)
        return InboxItem(
            row.id, row.platform, InboundKind(row.kind), content["author"], content["text"], _aware(row.received_at),
            row.status, row.self_disclosure, tuple(row.disclosed_types or ()), row.rating, row.reply_post_id,
        )  # fmt: skip
