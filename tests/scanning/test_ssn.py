import pytest

from phigate.scanning import IdentifierType, Verdict, scan
from phigate.scanning.document import Document
from phigate.scanning.profile import EMPTY_PROFILE
from phigate.scanning.recognizers.numbers import LabelledNumberRecognizer
from phigate.scanning.report import ScanKind
from tests.scanning.conftest import found
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
NUMBERS = LabelledNumberRecognizer()


@pytest.mark.parametrize(
    ("text", "ssn"),
    [
        ("SSN 900-12-3456 on file", "900-12-3456"),
        ("ssn 900 12 3456 on file", "900 12 3456"),
        ("SSN: 900123456 on file", "900123456"),
        ("ssn# 912 34 5678 on file", "912 34 5678"),
        ("social security number 901-22-3344", "901-22-3344"),
        ("verified last 4 of SSN 1234 at the desk", "1234"),
        ("SSN ending 6789 confirmed", "6789"),
        ("SSN ending in 6789 confirmed", "6789"),
        ("form lists 900-31-2208 as the number", "900-31-2208"),
    ],
)
def test_ssn_formats_and_partials(text: str, ssn: str) -> None:
    assert candidates(NUMBERS, text, T.SSN) == [ssn]


@pytest.mark.parametrize(
    "text",
    [
        "Ref 000-12-3456 on the form",
        "Ref 123-00-4567 on the form",
        "Ref 123-45-0000 on the form",
        "Ref 666-12-3456 on the form",
        "Call 900 12 3456 tomorrow",
        "We raised 900123456 dollars",
        "Ticket 2023-10-0415 closed",
    ],
)
def test_not_ssns(text: str) -> None:
    assert candidates(NUMBERS, text, T.SSN) == []


def test_ssn_is_inherent_and_blocks_alone() -> None:
    doc = Document.from_text("SSN 900-12-3456", ScanKind.POST, EMPTY_PROFILE)
    assert all(c.inherent for c in NUMBERS.find(doc))
    report = scan("Draft note: SSN 900-12-3456")
    assert report.verdict is Verdict.BLOCK
    assert found(report, T.SSN) == ["900-12-3456"]
    assert "Social Security" in report.findings[0].reason
