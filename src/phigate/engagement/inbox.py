"""Inbound comments, mentions and reviews: imported from platform exports (and, where a connector
exists, fetched), stored encrypted, scanned, and queued for staff."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class InboundKind(StrEnum):
    COMMENT = "comment"
    REVIEW = "review"
    MENTION = "mention"
    REPLY = "reply"


@dataclass(frozen=True)
class Inbound:
    platform: str
    kind: InboundKind
    author: str  # the public display name or handle, as the platform shows it
    text: str
    received_at: datetime
    external_id: str
    rating: int | None = None


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


REQUIRED = ("platform", "kind", "author", "text", "external_id")


def parse_export(content: str, fmt: str) -> tuple[list[Inbound], list[ImportProblem]]:
    """Read a review or comment export (CSV with a header, or JSONL); every bad row is reported."""
    records: list[tuple[int, dict[str, object]]] = []
    problems: list[ImportProblem] = []
    if fmt == "jsonl":
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(ImportProblem(number, f"not valid JSON ({error.msg})"))
                continue
            if not isinstance(value, dict):
                problems.append(ImportProblem(number, "each line must be a JSON object"))
                continue
            records.append((number, value))
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(content))
        records = [(number, dict(row)) for number, row in enumerate(reader, start=2)]
    else:
        return [], [ImportProblem(0, "the format is csv or jsonl")]
    items: list[Inbound] = []
    for number, record in records:
        missing = [k for k in REQUIRED if not str(record.get(k) or "").strip()]
        if missing:
            problems.append(ImportProblem(number, f"missing {', '.join(missing)}"))
            continue
        try:
            kind = InboundKind(str(record["kind"]).strip().lower())
        except ValueError:
            problems.append(ImportProblem(number, f"kind must be one of {', '.join(InboundKind)}"))
            continue
        try:
            received = (
                datetime.fromisoformat(str(record.get("received_at") or "").strip())
                if record.get("received_at")
                else datetime.now(UTC)
            )
        except ValueError:
            problems.append(ImportProblem(number, "received_at must be an ISO date and time"))
            continue
        rating_raw = str(record.get("rating") or "").strip()
        if rating_raw and not (rating_raw.isdigit() and 1 <= int(rating_raw) <= 5):
            problems.append(ImportProblem(number, "rating must be a whole number from 1 to 5"))
            continue
        items.append(
            Inbound(
                str(record["platform"]).strip().lower(), kind, str(record["author"]).strip(), str(record["text"]),
                received if received.tzinfo else received.replace(tzinfo=UTC), str(record["external_id"]).strip(),
                int(rating_raw) if rating_raw else None,
            )
        )  # fmt: skip
    return items, problems
