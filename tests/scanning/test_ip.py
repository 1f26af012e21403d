import pytest

from phigate.scanning.recognizers.web import IpAddressRecognizer
from tests.scanning.recognizer_helpers import candidates

IPS = IpAddressRecognizer()


@pytest.mark.parametrize("ip", ["192.0.2.14", "198.51.100.23", "2001:db8::1", "2001:db8:0:0::ff"])
def test_valid_addresses(ip: str) -> None:
    assert candidates(IPS, f"Your portal login came from {ip} last night.") == [ip]


@pytest.mark.parametrize(
    "text",
    [
        "logins from 999.1.1.1 on the portal",
        "logins from 192.0.2.300 on the portal",
        "Section 1.2.3 of the policy",
        "Meet at 10:30:45 sharp",
        "version 3.2.1.4 is released",
        "Take 1.5 tablets",
    ],
)
def test_invalid_or_not_addresses(text: str) -> None:
    assert candidates(IPS, text) == []
