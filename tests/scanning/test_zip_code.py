import pytest

from phigate.scanning import IdentifierType
from phigate.scanning.document import Document
from phigate.scanning.profile import EMPTY_PROFILE
from phigate.scanning.recognizers.zip_code import RESTRICTED_ZIP3, ZipCodeRecognizer, safe_zip3
from phigate.scanning.report import ScanKind
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
ZIPS = ZipCodeRecognizer()


@pytest.mark.parametrize(
    ("text", "zip_code"),
    [
        ("lives at 12 Oak St, Portland, OR 97201 with her son", "97201"),
        ("Portland OR 97201-1234", "97201-1234"),
        ("Boise, ID 83702", "83702"),
        ("zip code: 03601", "03601"),
        ("ZIP 10002", "10002"),
    ],
)
def test_zip_codes_where_people_write_them(text: str, zip_code: str) -> None:
    assert candidates(ZIPS, text, T.LOCATION) == [zip_code]


@pytest.mark.parametrize(
    "text",
    [
        "We served 12345 patients in 2023.",
        "Patient ID 12345 is on the list.",
        "Go in 97201 ways",
        "Tickets cost $12,500 each.",
        "Call OR 555-0137",
    ],
)
def test_five_digit_numbers_in_prose_are_not_zips(text: str) -> None:
    assert candidates(ZIPS, text) == []


def test_safe_zip3() -> None:
    assert safe_zip3("97201") == "972"
    assert safe_zip3("97201-1234") == "972"
    assert safe_zip3("03601") == "000"  # 036 is a restricted area
    assert safe_zip3("89301") == "000"
    with pytest.raises(ValueError):
        safe_zip3("972")


def test_restricted_list_is_the_hhs_list() -> None:
    assert len(RESTRICTED_ZIP3) == 17
    assert {"036", "102", "893"} <= RESTRICTED_ZIP3


def test_reason_cites_the_three_digit_rule() -> None:
    doc = Document.from_text("Portland, OR 97201", ScanKind.POST, EMPTY_PROFILE)
    (candidate,) = ZIPS.find(doc)
    assert "three digits" in candidate.reason
    assert "164.514(b)(2)(i)(B)" in candidate.reason
