import pytest

from phigate.scanning import IdentifierType, OrganizationProfile, scan
from phigate.scanning.recognizers.phones import PhoneRecognizer
from tests.scanning.conftest import found
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
PHONES = PhoneRecognizer()


@pytest.mark.parametrize(
    "number", ["555-0137", "(555) 555-0142", "+1 555 555 0188", "207-555-0194", "555.0161"]
)
def test_phone_numbers_in_any_format(number: str) -> None:
    assert candidates(PHONES, f"Our patient's mom asked us to call {number} tonight.") == [number]


def test_fictional_555_numbers_are_kept() -> None:
    # libphonenumber judges 555-01xx invalid; a scanner must not let a number pass for that.
    assert candidates(PHONES, "call his mom at 555-0163", T.PHONE) == ["555-0163"]


@pytest.mark.parametrize(
    ("text", "fax", "phone"),
    [
        ("Referrals: fax 555-0152 or call 555-0151.", ["555-0152"], ["555-0151"]),
        ("p: 555-0120 f: 555-0121", ["555-0121"], ["555-0120"]),
        ("Fax: 555-0122. Phone: 555-0123", ["555-0122"], ["555-0123"]),
        ("The note was faxed to your HR department at 555-0179.", ["555-0179"], []),
        (
            "Our team faxed your notes to the number on your request form, 555-0163, today.",
            ["555-0163"],
            [],
        ),
        ("Medical Records: 555-0108 (fax 555-0166) • Help: 555-0109", ["555-0166"], []),
    ],
)
def test_fax_is_told_by_its_label(text: str, fax: list[str], phone: list[str]) -> None:
    assert candidates(PHONES, text, T.FAX) == fax
    if phone:
        assert phone[0] in candidates(PHONES, text, T.PHONE)


@pytest.mark.parametrize(
    "text",
    [
        "Our program ran 2018–2023 with great results.",
        "Our program ran 2018-2023 with great results.",
        "Visiting hours end at 1:15 today.",
        "Keep pressure at 20–30 mmHg during the exam.",
        "Tickets are $1,250.00 and $12,500 for a table.",
        "Final score 102-98 in overtime; a 3-1 record.",
        "Mon–Fri 9–7, Sat 10–4. 1818 Corner St, Fernhill",
        "The login came from 203.0.113.208 last night.",
        "Pharmacy order DS2-881045 is ready.",
        "We gave 1,204 flu shots this week.",
    ],
)
def test_things_that_are_not_phones(text: str) -> None:
    assert candidates(PHONES, text) == []


def test_labelled_record_numbers_are_left_to_the_numbers_recognizer() -> None:
    assert candidates(PHONES, "chart: MRN 5520913, medical record number 7712003") == []


def test_organization_lines_are_skipped() -> None:
    profile = OrganizationProfile(phones=("555-0100", "(555) 555-0199"))
    text = "Call us at 555-0100 or 555.555.0199; the patient's cell is 555-0137."
    assert candidates(PHONES, text, profile=profile) == ["555-0137"]


def test_reason_is_plain_language() -> None:
    report = scan("Our patient Danny's mom is at 555-0163, call her about his surgery.")
    assert found(report, T.PHONE) == ["555-0163"]
    assert all("phone" in f.reason.lower() for f in report.findings if f.type is T.PHONE)
