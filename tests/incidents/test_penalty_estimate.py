from datetime import date

import pytest

from phigate.incidents.penalties import Tier, estimate


def test_the_table_in_force_on_the_assessment_date_is_used() -> None:
    assert estimate(Tier.B, 1, date(2026, 2, 1)).low == 1_461
    assert estimate(Tier.B, 1, date(2025, 6, 1)).low == 1_424


def test_annual_cap_and_enforcement_discretion() -> None:
    result = estimate(Tier.A, 100, date(2026, 6, 1))
    assert result.low == 14_500 and result.high == 2_190_294
    assert result.high_under_enforcement_discretion == 36_505
    assert "ESTIMATE" in result.label


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        estimate(Tier.A, 0, date(2026, 6, 1))
    with pytest.raises(ValueError, match="no penalty table"):
        estimate(Tier.A, 1, date(2020, 1, 1))
