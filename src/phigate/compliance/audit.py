"""The audit trail, 45 CFR 164.530(j): append-only, hash-chained, kept six years.

Each entry's hash covers the previous entry's hash and its own canonical content, so an altered,
deleted or reordered entry breaks the chain at a point `verify` names. Entries hold ids and types,
never post text or patient data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from phigate.compliance.training import add_months

RETENTION_YEARS = 6  # 164.530(j)(2)
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor_id: str | None
    action: str  # "post.approved", "authorization.revoked", "login", ...
    subject_type: str
    subject_id: str
    details: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def canonical(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "at": self.at.astimezone(UTC).isoformat(),
                "actor": self.actor_id,
                "action": self.action,
                "subject": [self.subject_type, self.subject_id],
                "details": self.details,
                "prev": self.prev_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )

    def computed_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode("ascii")).hexdigest()


def chain(previous: AuditEntry | None, **fields: Any) -> AuditEntry:
    """The next entry after `previous`, sealed with its hash."""
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    entry = AuditEntry(seq=seq, prev_hash=prev_hash, **fields)
    return AuditEntry(**{**entry.__dict__, "hash": entry.computed_hash()})


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "missing", "reordered", "broken_link"
    message: str


def verify(entries: list[AuditEntry], anchor: AuditEntry | None = None) -> list[ChainProblem]:
    """Every break in the chain, in order. `anchor` is the last entry before a purge, if any."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS if anchor is None else anchor.hash
    expected_seq = 1 if anchor is None else anchor.seq + 1
    for entry in entries:
        if entry.seq < expected_seq:
            problems.append(
                ChainProblem(
                    entry.seq,
                    "reordered",
                    f"entry {entry.seq} appears after entry {expected_seq - 1}",
                )
            )
        elif entry.seq > expected_seq:
            missing = ", ".join(str(s) for s in range(expected_seq, entry.seq))
            problems.append(ChainProblem(entry.seq, "missing", f"entries {missing} are missing"))
        if entry.computed_hash() != entry.hash:
            problems.append(
                ChainProblem(
                    entry.seq, "altered", f"entry {entry.seq} was changed after it was written"
                )
            )
        elif entry.prev_hash != expected_prev and entry.seq == expected_seq:
            problems.append(
                ChainProblem(
                    entry.seq,
                    "broken_link",
                    f"entry {entry.seq} does not follow the entry before it",
                )
            )
        expected_prev = entry.hash
        expected_seq = max(expected_seq, entry.seq) + 1
    return problems


class RetentionError(ValueError):
    """Purging audit entries younger than the retention period is refused."""


def purge_cutoff(now: datetime) -> datetime:
    """Entries older than this may be purged: six years, 164.530(j)(2)."""
    day = add_months(now.date(), -12 * RETENTION_YEARS)
    return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)


def check_purge(before: datetime, now: datetime) -> None:
    cutoff = purge_cutoff(now)
    if before > cutoff:
        raise RetentionError(
            f"audit entries must be kept six years (45 CFR 164.530(j)(2)); entries after "
            f"{cutoff.date().isoformat()} cannot be purged"
        )
