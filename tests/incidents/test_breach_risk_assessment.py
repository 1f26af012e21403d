from phigate.incidents.assessment import (
    Assessment,
    Determination,
    Exception_,
    Factor,
    FactorAnswer,
    Risk,
    problems,
)


def answers(risk: Risk = Risk.LOW) -> tuple[FactorAnswer, ...]:
    return tuple(FactorAnswer(f, risk, "documented") for f in Factor)


def test_a_complete_signed_breach_determination_stands() -> None:
    assessment = Assessment(
        answers(Risk.HIGH), Determination.BREACH, "Public post, 40 views.", "p-po"
    )
    assert problems(assessment, public_post=True) == []


def test_every_factor_must_be_answered_with_notes() -> None:
    partial = (FactorAnswer(Factor.NATURE_AND_EXTENT, Risk.HIGH, "name and photo"),)
    found = {p.code for p in problems(Assessment(partial, Determination.BREACH, "x", "p-po"), True)}
    assert found == {
        "FACTOR_MISSING_UNAUTHORIZED_PERSON",
        "FACTOR_MISSING_ACQUIRED_OR_VIEWED",
        "FACTOR_MISSING_MITIGATION",
    }


def test_low_probability_needs_every_factor_low_and_a_signature() -> None:
    mixed = (*answers(Risk.LOW)[:3], FactorAnswer(Factor.MITIGATION, Risk.MEDIUM, "reshared twice"))
    found = {
        p.code for p in problems(Assessment(mixed, Determination.LOW_PROBABILITY, "", None), False)
    }
    assert found == {"LOW_PROBABILITY_NOT_SUPPORTED", "RATIONALE_MISSING", "UNSIGNED"}


def test_exceptions_do_not_fit_a_public_post() -> None:
    assessment = Assessment(
        answers(), Determination.EXCEPTION, "x", "p-po", exception=Exception_.COULD_NOT_RETAIN
    )
    assert [p.code for p in problems(assessment, public_post=True)] == ["EXCEPTION_NOT_AVAILABLE"]
    assert problems(assessment, public_post=False) == []
