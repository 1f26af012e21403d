import pytest

from phigate.scanning import IdentifierType, OrganizationProfile, scan
from phigate.scanning.recognizers.web import UrlRecognizer
from tests.scanning.conftest import found
from tests.scanning.recognizer_helpers import candidates

T = IdentifierType
URLS = UrlRecognizer()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1",
        "http://example.org/story",
        "www.example.org",
        "gofundme.com/f/danny-kidney",
        "status.example.net",
    ],
)
def test_urls_with_or_without_scheme(url: str) -> None:
    assert candidates(URLS, f"See {url}, posted by our patient's family.") == [url]


def test_trailing_punctuation_is_outside_the_span() -> None:
    assert candidates(URLS, "Give at gofundme.com/f/xyz-help.") == ["gofundme.com/f/xyz-help"]


@pytest.mark.parametrize(
    "text",
    [
        "Bring snacks, e.g. fruit, i.e. something light.",
        "Listen to Ep.32 of our podcast.",
        "Email jane@example.com for the form.",
        "Take 2.5 mg twice a day.",
    ],
)
def test_not_urls(text: str) -> None:
    assert candidates(URLS, text) == []


def test_organization_domains_and_subdomains_are_skipped() -> None:
    profile = OrganizationProfile(domains=("cedarridgemc.org",))
    text = "Status at status.cedarridgemc.org and www.cedarridgemc.org; fund at gofundme.com/f/ana"
    assert candidates(URLS, text, profile=profile) == ["gofundme.com/f/ana"]


def test_fundraiser_link_for_a_patient_is_reported() -> None:
    report = scan("Our patient Ana needs help after her surgery: gofundme.com/f/ana-heals")
    assert found(report, T.URL) == ["gofundme.com/f/ana-heals"]
