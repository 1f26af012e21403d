"""Civil money penalty exposure, 45 CFR 160.404(b)(2) as adjusted for inflation in 45 CFR 102.3.

The table is dated and configurable: each row applies to penalties assessed on or after its
effective date. The figures below are the January 2026 adjustment as summarized in the project's
domain notes (verify against the current 45 CFR 102.3 table before relying on them). The result is
an estimate, never a prediction: OCR weighs the factors of 160.408.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Tier(StrEnum):
    A = "did_not_know"
    B = "reasonable_cause"
    C = "willful_neglect_corrected"
    D = "willful_neglect_not_corrected"


@dataclass(frozen=True)
class PenaltyRow:
    effective: date
    minimum: dict[Tier, int]
    maximum: dict[Tier, int]
    annual_cap: int
    enforcement_discretion_cap: dict[Tier, int]  # OCR's 2019 notice, inflation-adjusted
    source: str


PENALTY_TABLE: tuple[PenaltyRow, ...] = (
    PenaltyRow(
        date(2024, 8, 8),
        {Tier.A: 141, Tier.B: 1_424, Tier.C: 14_232, Tier.D: 71_162},
        {Tier.A: 71_162, Tier.B: 71_162, Tier.C: 71_162, Tier.D: 2_134_831},
        2_134_831,
        {Tier.A: 35_581, Tier.B: 142_355, Tier.C: 355_808, Tier.D: 2_134_831},
        "89 FR 64815 (2024-08-08)",
    ),
    PenaltyRow(
        date(2026, 1, 28),
        {Tier.A: 145, Tier.B: 1_461, Tier.C: 14_602, Tier.D: 73_011},
        {Tier.A: 73_011, Tier.B: 73_011, Tier.C: 73_011, Tier.D: 2_190_294},
        2_190_294,
        {Tier.A: 36_505, Tier.B: 146_053, Tier.C: 365_052, Tier.D: 2_190_294},
        "91 FR 3665 (2026-01-28)",
    ),
)


@dataclass(frozen=True)
class Estimate:
    tier: Tier
    violations: int
    low: int
    high: int
    high_under_enforcement_discretion: int
    table: str
    label: str = "ESTIMATE ONLY: OCR sets penalties case by case under 45 CFR 160.408."


def estimate(
    tier: Tier, violations: int, assessed_on: date, table: tuple[PenaltyRow, ...] = PENALTY_TABLE
) -> Estimate:
    if violations < 1:
        raise ValueError("the number of violations must be at least 1")
    rows = [r for r in table if r.effective <= assessed_on]
    if not rows:
        raise ValueError(f"no penalty table is in force on {assessed_on.isoformat()}")
    row = max(rows, key=lambda r: r.effective)
    low = min(row.minimum[tier] * violations, row.annual_cap)
    high = min(row.maximum[tier] * violations, row.annual_cap)
    discretion = min(high, row.enforcement_discretion_cap[tier])
    return Estimate(tier, violations, low, high, discretion, row.source)
