import pytest

from phigate.scanning import IdentifierType, OrganizationProfile, Verdict, scan
from phigate.scanning.recognizers.numbers import vin_check_digit_ok
from tests.scanning.conftest import found

T = IdentifierType


def test_labelled_record_numbers_block_on_their_own() -> None:
    report = scan("draft: pt K. Bauer, MRN 5571026, SSN 900-31-2208, member ID XJH44200917")
    assert report.verdict is Verdict.BLOCK
    assert found(report, T.MRN) == ["5571026"]
    assert found(report, T.SSN) == ["900-31-2208"]
    assert found(report, T.HEALTH_PLAN) == ["XJH44200917"]


def test_partial_ssn_is_an_identifier() -> None:
    assert found(scan("Patient confirmed SSN ending 6789 at the desk"), T.SSN) == ["6789"]


def test_device_serial_and_plate() -> None:
    report = scan(
        "hearing aid found, serial # HX2-77104-RT. Also the patient's car, plate 7KJD302."
    )
    assert found(report, T.DEVICE) == ["HX2-77104-RT"]
    assert found(report, T.VEHICLE) == ["7KJD302"]


def test_vin_needs_a_valid_check_digit() -> None:
    assert vin_check_digit_ok("1M8GDM9AXKP042788")
    assert not vin_check_digit_ok("1M8GDM9A1KP042788")
    assert found(scan("Our patient's car VIN 1M8GDM9AXKP042788 is in the lot"), T.VEHICLE)


def test_the_organizations_own_pharmacy_licence_is_not_phi() -> None:
    report = scan("Corner Street Pharmacy (pharmacy license nos. PHY-00412) ships in 24 hours.")
    assert found(report, T.LICENSE) == []


@pytest.mark.parametrize("text", ["at 192.0.2.146", "from 2001:db8::ff00:42:8329"])
def test_ip_addresses_validated(text: str) -> None:
    report = scan(f"Your MyHealth account was locked after logins {text}", kind="reply")
    assert found(report, T.IP)


def test_invalid_ip_is_ignored() -> None:
    assert found(scan("logins from 999.1.1.1 on our patient portal"), T.IP) == []


def test_patient_phone_and_fundraiser_link() -> None:
    report = scan(
        "Our own patient Danny needs a kidney. His family set up a fund: "
        "gofundme.com/f/danny-kidney or call his mom at 555-0163."
    )
    assert found(report, T.URL) == ["gofundme.com/f/danny-kidney"]
    assert found(report, T.PHONE) == ["555-0163"]


def test_organization_contact_details_pass() -> None:
    profile = OrganizationProfile(phones=("555-0100",), domains=("cedarridgemc.org",))
    report = scan(
        "Questions about your surgery? Call us at (555) 0100 or see cedarridgemc.org/faq.",
        profile=profile,
    )
    assert report.findings == ()


def test_fax_is_told_apart_from_phone() -> None:
    report = scan("Our patient's records went to fax 555-0166 after his surgery.")
    assert found(report, T.FAX) == ["555-0166"]


def test_email_of_a_patient_family() -> None:
    report = scan(
        "Our patient Rosa's daughter asked us to share: reach the family at maria@example.com"
    )
    assert found(report, T.EMAIL) == ["maria@example.com"]


def test_payment_card_and_iban_need_valid_check_digits() -> None:
    report = scan(
        "Our patient paid with 4012 8888 8888 1881; refund to GB82 WEST 1234 5698 7654 32"
    )
    assert found(report, T.ACCOUNT) == ["4012 8888 8888 1881", "GB82 WEST 1234 5698 7654 32"]
    assert found(scan("Our patient paid with 4012 8888 8888 1882"), T.ACCOUNT) == []


def test_medicare_beneficiary_identifier() -> None:
    assert found(scan("resubmitted under 1EG4-TE5-MK73 for our patient"), T.HEALTH_PLAN) == [
        "1EG4-TE5-MK73"
    ]
