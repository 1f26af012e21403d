"""X, LinkedIn and Pinterest accounts connect from their stored credentials (the fields to renew
an expired token are optional), and an account whose credentials lack a required field is refused
with the field named."""

from __future__ import annotations

import pytest

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.linkedin import DEFAULT_VERSION
from phigate.publishing.registry import PLATFORMS, connect

STORED = {
    "x": {"access_token": "x-token", "user_id": ""},
    "linkedin": {
        "access_token": "li-token",
        "organization_id": "2414183",
        "api_version": DEFAULT_VERSION,
    },
    "pinterest": {"access_token": "pina-token", "board_id": "549755885175"},
}
# Optional on each: renewing an expired access token (test_oauth_token_renewal) and the API host.
RENEWAL = {"refresh_token", "client_id", "client_secret", "token_url", "api_base_url"}


@pytest.mark.parametrize("platform", sorted(STORED))
def test_each_cloud_platform_connects_from_its_fields(platform: str) -> None:
    spec = PLATFORMS[platform]
    assert {f.name for f in spec.fields} == set(STORED[platform]) | RENEWAL
    assert all(f.help for f in spec.fields)
    assert all(f.default is not None for f in spec.fields if f.name in RENEWAL)
    secret = [f.name for f in spec.fields if f.secret]
    assert secret == ["access_token", "refresh_token", "client_secret"]
    assert connect(platform, STORED[platform]).platform == platform


@pytest.mark.parametrize("platform", sorted(STORED))
def test_a_missing_required_field_is_named(platform: str) -> None:
    required = [f.name for f in PLATFORMS[platform].fields if f.default is None]
    for name in required:
        partial = {k: v for k, v in STORED[platform].items() if k != name}
        with pytest.raises(ConnectorError) as refused:
            connect(platform, partial)
        assert name in str(refused.value) and not refused.value.retryable


def test_linkedin_defaults_to_the_version_the_connector_speaks() -> None:
    version = next(f for f in PLATFORMS["linkedin"].fields if f.name == "api_version")
    assert version.default == DEFAULT_VERSION
    assert connect("linkedin", {"access_token": "t", "organization_id": "5"}).platform == "linkedin"
