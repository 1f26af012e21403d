import pytest

from phigate.scanning import IdentifierType
from phigate.scanning.recognizers.numbers import LabelledNumberRecognizer, vin_check_digit_ok
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
NUMBERS = LabelledNumberRecognizer()


def test_vin_check_digit() -> None:
    assert vin_check_digit_ok("1M8GDM9AXKP042788")  # check digit X (10)
    assert vin_check_digit_ok("11111111111111111")
    assert not vin_check_digit_ok("1M8GDM9A1KP042788")
    assert not vin_check_digit_ok("1M8GDM9AXKP04278")  # 16 characters
    assert not vin_check_digit_ok("IM8GDM9AXKP042788")  # I is never used in a VIN


def test_unlabelled_vin_needs_its_check_digit() -> None:
    assert candidates(NUMBERS, "car 1M8GDM9AXKP042788 in bay 2", T.VEHICLE) == ["1M8GDM9AXKP042788"]
    assert candidates(NUMBERS, "code 1M8GDM9A1KP042788 in bay 2", T.VEHICLE) == []


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("the patient's car, plate 7KJD302, is in the lot", "7KJD302"),
        ("license plate ABC1234 left its lights on", "ABC1234"),
        ("tag 8XYZ123 is blocking the ambulance bay", "8XYZ123"),
    ],
)
def test_labelled_plates(text: str, plate: str) -> None:
    assert candidates(NUMBERS, text, T.VEHICLE) == [plate]


@pytest.mark.parametrize(
    "text",
    ["Tag us in your photos!", "Our fleet plate ORG-1001 van is here.", "Plate of cookies 🍪"],
)
def test_not_plates(text: str) -> None:
    assert candidates(NUMBERS, text, T.VEHICLE) == []
