from phigate.scanning import IdentifierType, scan
from tests.scanning.conftest import found

T = IdentifierType


def test_full_width_digits_and_zero_width_characters() -> None:
    text = "Our patient's SSN is ９００-３１-２\u200b２０８"
    report = scan(text)
    assert found(report, T.SSN) == ["９００-３１-２\u200b２０８"]


def test_spelled_out_phone_number() -> None:
    text = "our patient's mom said call her at five five five oh one six three"
    spans = found(scan(text), T.PHONE)
    assert spans == ["five five five oh one six three"]


def test_spaced_digits() -> None:
    assert found(scan("Patient MRN 5 5 7 1 0 2 6 on the board"), T.MRN) == ["5 5 7 1 0 2 6"]


def test_confusable_letters_in_a_name() -> None:
    # Cyrillic "о" and "а" inside a Latin name.
    report = scan("Welcome home, baby Sоfiа! She went home after surgery.")
    assert found(report, T.NAME) == ["Sоfiа"]
