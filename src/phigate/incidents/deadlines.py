"""Notification deadlines, counted from the discovery date (45 CFR 164.404(a)(2)).

The clock starts on the first day any workforce member knew, or with reasonable diligence would
have known, of the breach; dates are the organization's local calendar dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

NOTICE_DAYS = 60
HHS_IMMEDIATE_THRESHOLD = 500  # 164.408(b): 500 or more individuals
MEDIA_THRESHOLD = 500  # 164.406: MORE THAN 500 residents of one State or jurisdiction


class Recipient(StrEnum):
    INDIVIDUALS = "individuals"
    MEDIA = "media"
    HHS = "hhs"
    HHS_ANNUAL_LOG = "hhs_annual_log"


@dataclass(frozen=True)
class Deadline:
    recipient: Recipient
    due: date
    citation: str
    why: str
    jurisdiction: str | None = None


def discovery_date(discovered_at: datetime, timezone: str) -> date:
    """The local calendar day of discovery: 11 pm in Honolulu is still that day there."""
    return discovered_at.astimezone(ZoneInfo(timezone)).date()


def deadlines(
    discovered_on: date,
    affected: int,
    residents_by_jurisdiction: dict[str, int] | None = None,
    law_enforcement_delay_until: date | None = None,
) -> list[Deadline]:
    """Every notice a breach requires and when it is due."""
    start = discovered_on
    if law_enforcement_delay_until is not None and law_enforcement_delay_until > start:
        # 164.412: notice is delayed for the period the official specified; the 60 days run after it.
        start = law_enforcement_delay_until
    outer = start + timedelta(days=NOTICE_DAYS)
    found = [
        Deadline(
            Recipient.INDIVIDUALS, outer, "45 CFR 164.404(b)",
            "Each affected individual, without unreasonable delay and within 60 calendar days of discovery.",
        )
    ]  # fmt: skip
    for jurisdiction, residents in sorted((residents_by_jurisdiction or {}).items()):
        if residents > MEDIA_THRESHOLD:
            found.append(
                Deadline(
                    Recipient.MEDIA, outer, "45 CFR 164.406",
                    f"Prominent media serving {jurisdiction}: more than 500 of its residents are affected "
                    f"({residents}).",
                    jurisdiction,
                )
            )  # fmt: skip
    if affected >= HHS_IMMEDIATE_THRESHOLD:
        found.append(
            Deadline(
                Recipient.HHS, outer, "45 CFR 164.408(b)",
                f"The Secretary of HHS, with the individual notices: {affected} individuals (500 or more).",
            )
        )  # fmt: skip
    else:
        year_end = date(discovered_on.year, 12, 31)
        found.append(
            Deadline(
                Recipient.HHS_ANNUAL_LOG, year_end + timedelta(days=NOTICE_DAYS), "45 CFR 164.408(c)",
                f"The annual log to HHS, within 60 days after the end of {discovered_on.year} "
                f"({affected} individuals, fewer than 500).",
            )
        )  # fmt: skip
    return found


class DeadlineState(StrEnum):
    DONE = "done"
    DUE = "due"
    DUE_SOON = "due_soon"  # within 14 days
    OVERDUE = "overdue"


def state_of(deadline: Deadline, today: date, done_on: date | None) -> DeadlineState:
    if done_on is not None:
        return DeadlineState.DONE
    if today > deadline.due:
        return DeadlineState.OVERDUE
    if (deadline.due - today).days <= 14:
        return DeadlineState.DUE_SOON
    return DeadlineState.DUE
