import pytest

from phigate.scanning import IdentifierType, Verdict, scan
from phigate.scanning.recognizers.numbers import LabelledNumberRecognizer
from tests.scanning.conftest import found
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
NUMBERS = LabelledNumberRecognizer()


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("MRN 5520913", T.MRN, "5520913"),
        ("MR# 88231", T.MRN, "88231"),
        ("medical record number 7712003", T.MRN, "7712003"),
        ("chart # 44120", T.MRN, "44120"),
        ("patient ID PX-20031", T.MRN, "PX-20031"),
        ("OCR: MRN:1128675Room:622", T.MRN, "1128675"),
        ("member ID XJH44200917", T.HEALTH_PLAN, "XJH44200917"),
        ("policy # POL-88120", T.HEALTH_PLAN, "POL-88120"),
        ("subscriber ID 88120331", T.HEALTH_PLAN, "88120331"),
        ("Medicaid ID 99120331", T.HEALTH_PLAN, "99120331"),
        ("group # 77120", T.HEALTH_PLAN, "77120"),
        ("account # 88120331", T.ACCOUNT, "88120331"),
        ("acct 7712001", T.ACCOUNT, "7712001"),
        ("billing account BA-55120", T.ACCOUNT, "BA-55120"),
        ("payment applied to account CR-0092231 today", T.ACCOUNT, "CR-0092231"),
        ("invoice 2023-0098", T.ACCOUNT, "2023-0098"),
        ("driver's license D1234567", T.LICENSE, "D1234567"),
        ("a Texas driver's license, no. 04418827, was found", T.LICENSE, "04418827"),
        ("DL# 88120331", T.LICENSE, "88120331"),
        ("(CDL D1147-8820-33)", T.LICENSE, "D1147-8820-33"),
        ("certificate # C-99120", T.LICENSE, "C-99120"),
        ("serial # TSL-4418-22B", T.DEVICE, "TSL-4418-22B"),
        ("S/N 88120ABC", T.DEVICE, "88120ABC"),
        ("UDI 00844588003288", T.DEVICE, "00844588003288"),
        ("pacemaker serial PMX44120", T.DEVICE, "PMX44120"),
        ("lot# 7712A", T.DEVICE, "7712A"),
        ("his CPAP machine (DS2-881045) was returned", T.DEVICE, "DS2-881045"),
    ],
)
def test_labelled_values_without_their_labels(text: str, kind: IdentifierType, value: str) -> None:
    assert candidates(NUMBERS, text, kind) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Our chart review found 12 issues.",
        "Become a member today!",
        "Park in Lot 12 or lot B.",
        "A serial killer movie night? No thanks.",
        "Corner Street Pharmacy (pharmacy license nos. PHY-00412) ships in 24 hours.",
        "Our account team answers in 24 hours.",
        "Pick a plan that fits.",
    ],
)
def test_labels_without_identifiers(text: str) -> None:
    assert candidates(NUMBERS, text) == []


def test_labelled_ids_are_inherent_phi() -> None:
    report = scan("Reminder for the front desk: member ID XJH44200917, MRN 5520913")
    assert report.verdict is Verdict.BLOCK
    assert found(report, T.HEALTH_PLAN) == ["XJH44200917"]
    assert found(report, T.MRN) == ["5520913"]
    assert found(report, T.PHONE) == []


def test_medicare_beneficiary_identifier_by_layout() -> None:
    report = scan("Claim resubmitted under 1EG4-TE5-MK73 for our patient")
    assert found(report, T.HEALTH_PLAN) == ["1EG4-TE5-MK73"]
