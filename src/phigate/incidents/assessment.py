"""The breach risk assessment of 45 CFR 164.402(2) and the exceptions of 164.402(1).

An impermissible disclosure is presumed a breach. Only a documented assessment of all four factors,
concluding a low probability that the PHI was compromised and signed by the privacy officer,
overturns the presumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from phigate.compliance.rules import Finding

_402 = "45 CFR 164.402"


class Factor(StrEnum):
    NATURE_AND_EXTENT = "nature_and_extent"  # (2)(i): identifiers, likelihood of re-identification
    UNAUTHORIZED_PERSON = "unauthorized_person"  # (2)(ii): who used it or to whom it was disclosed
    ACQUIRED_OR_VIEWED = "acquired_or_viewed"  # (2)(iii): was it actually acquired or viewed
    MITIGATION = "mitigation"  # (2)(iv): the extent to which the risk was mitigated


FACTOR_CITATION = {
    Factor.NATURE_AND_EXTENT: f"{_402}(2)(i)",
    Factor.UNAUTHORIZED_PERSON: f"{_402}(2)(ii)",
    Factor.ACQUIRED_OR_VIEWED: f"{_402}(2)(iii)",
    Factor.MITIGATION: f"{_402}(2)(iv)",
}


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Exception_(StrEnum):
    GOOD_FAITH_WORKFORCE = "good_faith_workforce"  # 164.402(1)(i)
    INADVERTENT_AUTHORIZED = "inadvertent_between_authorized"  # 164.402(1)(ii)
    COULD_NOT_RETAIN = "recipient_could_not_retain"  # 164.402(1)(iii)


class Determination(StrEnum):
    LOW_PROBABILITY = "low_probability_of_compromise"
    BREACH = "breach"
    EXCEPTION = "not_a_breach_exception"


@dataclass(frozen=True)
class FactorAnswer:
    factor: Factor
    risk: Risk
    notes: str


@dataclass(frozen=True)
class Assessment:
    answers: tuple[FactorAnswer, ...]
    determination: Determination
    rationale: str
    signed_by: str | None = None  # privacy officer person id
    signed_at: datetime | None = None
    exception: Exception_ | None = None


def problems(assessment: Assessment, public_post: bool) -> list[Finding]:
    """Why this assessment cannot stand as the documented determination (164.414 burden of proof)."""
    found: list[Finding] = []
    answered = {a.factor: a for a in assessment.answers}
    for factor in Factor:
        answer = answered.get(factor)
        if answer is None or not answer.notes.strip():
            found.append(
                Finding(
                    f"FACTOR_MISSING_{factor.value.upper()}",
                    f"The factor '{factor.value.replace('_', ' ')}' needs an answer and notes.",
                    FACTOR_CITATION[factor],
                )
            )
    if not assessment.rationale.strip():
        found.append(
            Finding(
                "RATIONALE_MISSING",
                "The determination needs a written rationale.",
                "45 CFR 164.414(b)",
            )
        )
    if assessment.signed_by is None:
        found.append(
            Finding(
                "UNSIGNED",
                "The privacy officer has not signed the determination.",
                "45 CFR 164.530(a)",
            )
        )
    if assessment.determination is Determination.LOW_PROBABILITY and any(
        a.risk is not Risk.LOW for a in assessment.answers
    ):
        found.append(
            Finding(
                "LOW_PROBABILITY_NOT_SUPPORTED",
                "A low probability of compromise needs every factor assessed as low; otherwise the "
                "presumption of breach stands.",
                f"{_402}(2)",
            )
        )
    if assessment.determination is Determination.EXCEPTION:
        if assessment.exception is None:
            found.append(
                Finding("EXCEPTION_MISSING", "Name the exception that applies.", f"{_402}(1)")
            )
        elif public_post:
            found.append(
                Finding(
                    "EXCEPTION_NOT_AVAILABLE",
                    "None of the exceptions fits a public social media post: the public is neither "
                    "workforce nor unable to retain what it saw.",
                    f"{_402}(1)",
                )
            )
    return found
