from datetime import UTC, date, datetime

import pytest

from phigate.incidents.deadlines import (
    DeadlineState,
    Recipient,
    deadlines,
    discovery_date,
    state_of,
)


def by_recipient(found):  # type: ignore[no-untyped-def]
    return {(d.recipient, d.jurisdiction): d.due for d in found}


def test_small_breach_individuals_in_60_days_and_the_annual_log() -> None:
    # T-BR-01: discovered 2026-03-02 -> individuals by 2026-05-01, HHS log by 2027-03-01.
    due = by_recipient(deadlines(date(2026, 3, 2), affected=1))
    assert due == {
        (Recipient.INDIVIDUALS, None): date(2026, 5, 1),
        (Recipient.HHS_ANNUAL_LOG, None): date(2027, 3, 1),
    }


def test_annual_log_in_a_leap_year_ends_on_february_29() -> None:
    due = by_recipient(deadlines(date(2027, 7, 1), affected=3))
    assert due[(Recipient.HHS_ANNUAL_LOG, None)] == date(2028, 2, 29)


def test_year_end_discovery_crosses_into_the_next_year() -> None:
    due = by_recipient(deadlines(date(2026, 12, 31), affected=1))
    assert due[(Recipient.INDIVIDUALS, None)] == date(2027, 3, 1)
    assert due[(Recipient.HHS_ANNUAL_LOG, None)] == date(2027, 3, 1)


def test_thresholds_media_more_than_500_in_a_state_hhs_500_or_more() -> None:
    # T-BR-02: 620 affected, 510 in one State -> media and HHS within 60 days.
    due = by_recipient(deadlines(date(2026, 3, 2), 620, {"OH": 510, "PA": 110}))
    assert (Recipient.MEDIA, "OH") in due and (Recipient.MEDIA, "PA") not in due
    assert due[(Recipient.HHS, None)] == date(2026, 5, 1)
    # T-BR-03: exactly 500 across three States -> HHS now, no media.
    due = by_recipient(deadlines(date(2026, 3, 2), 500, {"OH": 200, "PA": 200, "WV": 100}))
    assert (Recipient.HHS, None) in due and not any(r is Recipient.MEDIA for r, _ in due)
    assert not any(
        r is Recipient.MEDIA for r, _ in by_recipient(deadlines(date(2026, 3, 2), 500, {"OH": 500}))
    )


def test_law_enforcement_delay_moves_the_clock() -> None:
    due = by_recipient(deadlines(date(2026, 3, 2), 1, law_enforcement_delay_until=date(2026, 4, 1)))
    assert due[(Recipient.INDIVIDUALS, None)] == date(2026, 5, 31)


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        (datetime(2026, 3, 3, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 2)),
        (datetime(2026, 3, 3, 4, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 3)),
        (datetime(2026, 3, 3, 9, 59, tzinfo=UTC), "Pacific/Honolulu", date(2026, 3, 2)),
    ],
)
def test_discovery_date_is_the_local_calendar_day(moment: datetime, zone: str, day: date) -> None:
    assert discovery_date(moment, zone) == day


def test_overdue_and_due_soon() -> None:
    deadline = deadlines(date(2026, 3, 2), 1)[0]
    assert state_of(deadline, date(2026, 4, 1), None) is DeadlineState.DUE
    assert state_of(deadline, date(2026, 4, 20), None) is DeadlineState.DUE_SOON
    assert state_of(deadline, date(2026, 5, 2), None) is DeadlineState.OVERDUE
    assert state_of(deadline, date(2026, 5, 2), date(2026, 4, 2)) is DeadlineState.DONE
