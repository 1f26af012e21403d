from datetime import date

import pytest

from phigate.compliance.training import (
    TrainingCompletion,
    TrainingPolicy,
    TrainingState,
    add_months,
    training_status,
)

POLICY = TrainingPolicy()


def status(completed: date | None, today: date, score: int = 90, version: str = "1"):  # type: ignore[no-untyped-def]
    done = (
        []
        if completed is None
        else [TrainingCompletion("p", POLICY.course_id, completed, score, version)]
    )
    return training_status(done, POLICY, today)


def test_never_trained_cannot_post() -> None:
    result = status(None, date(2026, 1, 1))
    assert result.state is TrainingState.NEVER and not result.may_post
    assert result.finding and "164.530(b)" in result.finding.citation


def test_current_then_reminders_at_30_and_7_days_then_lapsed() -> None:
    done = date(2025, 3, 31)
    assert status(done, date(2025, 12, 1)).state is TrainingState.CURRENT
    thirty = status(done, date(2026, 3, 1))
    assert thirty.state is TrainingState.DUE_SOON and thirty.reminder_due == 30 and thirty.may_post
    assert status(done, date(2026, 3, 25)).reminder_due == 7
    lapsed = status(done, date(2026, 3, 31))
    assert lapsed.state is TrainingState.LAPSED and not lapsed.may_post
    assert lapsed.finding and "2026-03-31" in lapsed.finding.message


def test_month_arithmetic_handles_month_ends_and_leap_years() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_failing_score_does_not_count() -> None:
    assert status(date(2026, 1, 1), date(2026, 2, 1), score=60).state is TrainingState.NEVER


def test_policy_change_requires_reattestation() -> None:
    result = status(date(2026, 1, 1), date(2026, 2, 1), version="0")
    assert result.state is TrainingState.LAPSED
    assert result.finding and result.finding.code == "TRAINING_POLICY_CHANGED"


@pytest.mark.parametrize("months", [0, 13, 24])
def test_interval_longer_than_twelve_months_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="1 to 12 months"):
        TrainingPolicy(refresh_months=months)
