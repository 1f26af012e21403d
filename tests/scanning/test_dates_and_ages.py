from phigate.scanning import IdentifierType, Verdict, scan
from tests.scanning.conftest import found

DATE, AGE = IdentifierType.DATE, IdentifierType.AGE


def test_explicit_and_relative_care_dates() -> None:
    report = scan("Catalina passed away peacefully on Saturday, 9/14. Her surgery was last Friday.")
    assert found(report, DATE) == ["Saturday, 9/14", "last Friday"]


def test_intervals_after_a_procedure_are_dates() -> None:
    report = scan(
        "Patient of the Month: Tomás! Eight weeks after rotator cuff repair he is pitching."
    )
    assert "Eight weeks after" in found(report, DATE)


def test_event_dates_are_not_phi() -> None:
    report = scan("Free flu shot clinic this Saturday, Oct 12, 9am–1pm. Register at 555-0112.")
    assert found(report, DATE) == []
    assert report.verdict is Verdict.ALLOW


def test_impossible_numeric_dates_are_ignored() -> None:
    report = scan("Our patient line is open 24/7 and our ED treats 3/4 of the county.")
    assert found(report, DATE) == []


def test_ages_over_89_in_care_context() -> None:
    report = scan("Our 500th TAVR patient is 91-year-old Eleanor, back at her garden club!")
    assert found(report, AGE) == ["91"]
    report = scan("Residents Hattie Lang (100) and Lloyd (101) sang in our Memory Care room.")
    assert found(report, AGE) == ["100", "101"]


def test_ages_89_and_under_are_never_flagged() -> None:
    report = scan("Our 88-year-old patient beat us in a race after her hip surgery.")
    assert found(report, AGE) == []


def test_scores_out_of_a_scale_are_not_dates() -> None:
    report = scan("Our patient rated her pain 2/10 after surgery; strength 4/5.")
    assert found(report, DATE) == []
