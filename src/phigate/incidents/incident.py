"""An incident: what was disclosed (identifier types, never the PHI), where, when it was discovered,
who was involved, how it was contained, how it was assessed, who was notified, and sanctions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from phigate.incidents.assessment import Assessment, Determination
from phigate.incidents.deadlines import Deadline, Recipient, deadlines


class Source(StrEnum):
    PUBLISHED_POST = "published_post"  # a published post with a finding
    COMPLAINT = "complaint"  # entered by hand
    REVOCATION = "revocation"  # a revoked authorization with posts still live


class Status(StrEnum):
    OPEN = "open"
    CONTAINED = "contained"
    ASSESSED = "assessed"
    CLOSED = "closed"


@dataclass(frozen=True)
class Containment:
    platform: str
    action: str  # "taken down", "reply hidden", "removal requested"
    at: datetime
    by: str


@dataclass(frozen=True)
class Sanction:
    person_id: str
    action: str  # "retraining", "written warning", "suspension of posting rights", ...
    on: date
    recorded_by: str


@dataclass(frozen=True)
class Notification:
    recipient: Recipient
    sent_on: date
    method: str
    jurisdiction: str | None = None


@dataclass(frozen=True)
class Incident:
    id: str
    source: Source
    opened_at: datetime
    discovered_on: date
    discovered_by: str
    summary: str  # what happened, in words that carry no PHI
    identifier_types: tuple[str, ...]
    platforms: tuple[str, ...]
    post_ids: tuple[str, ...] = ()
    workforce_involved: tuple[str, ...] = ()
    affected: int = 1
    residents_by_jurisdiction: dict[str, int] = field(default_factory=dict)
    law_enforcement_delay_until: date | None = None
    containment: tuple[Containment, ...] = ()
    assessment: Assessment | None = None
    notifications: tuple[Notification, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    status: Status = Status.OPEN

    @property
    def is_breach(self) -> bool:
        # Presumed a breach until a signed assessment says otherwise (164.402(2)).
        return self.assessment is None or self.assessment.determination is Determination.BREACH

    def deadlines(self) -> list[Deadline]:
        if not self.is_breach:
            return []
        return deadlines(
            self.discovered_on,
            self.affected,
            self.residents_by_jurisdiction,
            self.law_enforcement_delay_until,
        )

    def notified_on(self, deadline: Deadline) -> date | None:
        for note in self.notifications:
            if note.recipient is deadline.recipient and note.jurisdiction == deadline.jurisdiction:
                return note.sent_on
        return None
