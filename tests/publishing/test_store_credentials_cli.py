"""Storing an account's credentials from the command line: the fields follow the platform, secrets
are asked for without echo (an optional one may be left empty), and mistakes are named."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate.cli import app
from phigate.jobs import publisher

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIGATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PHIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("PHIGATE_ENCRYPTION_KEYS", raising=False)
    publisher.cache_clear()  # one per data directory: each test has its own
    return tmp_path


def _account(platform: str) -> str:
    runner.invoke(app, ["people", "add", "Pat Officer", "po@example.org", "--role", "privacy_officer", "--role", "admin"])  # fmt: skip
    out = runner.invoke(app, ["accounts", "request", platform, "@cedarridge.example", "po@example.org", "--as", "po@example.org"]).output  # fmt: skip
    account = out.split()[1].rstrip(":")
    runner.invoke(app, ["accounts", "approve", account, "--as", "po@example.org"])
    return account


def test_secret_is_prompted_and_stored_encrypted() -> None:
    account = _account("mastodon")
    result = runner.invoke(
        app,
        ["publish", "credentials", account, "--set", "api_base_url=https://social.example", "--as", "po@example.org"],
        input="s3cret-token\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "s3cret-token" not in result.output  # asked without echo, never printed
    stored = publisher()._credentials(account)
    assert stored == {"api_base_url": "https://social.example", "access_token": "s3cret-token"}


def test_unknown_and_missing_fields_are_named() -> None:
    account = _account("mastodon")
    unknown = runner.invoke(
        app, ["publish", "credentials", account, "--set", "handle=x", "--as", "po@example.org"]
    )
    assert unknown.exit_code != 0 and "no credential field handle" in unknown.output
    missing = runner.invoke(
        app,
        ["publish", "credentials", account, "--set", "access_token=t", "--as", "po@example.org"],
    )
    assert missing.exit_code != 0 and "needs api_base_url" in missing.output


def test_platforms_lists_fields() -> None:
    out = runner.invoke(app, ["publish", "platforms"]).output
    assert "bluesky" in out and "app_password (secret)" in out and "mastodon" in out


def test_an_optional_secret_left_empty_is_stored_empty() -> None:
    account = _account("x")
    result = runner.invoke(
        app,
        ["publish", "credentials", account, "--as", "po@example.org"],
        input="x-user-token\n\n\n",  # access token; no refresh token, no client secret
    )
    assert result.exit_code == 0, result.output
    stored = publisher()._credentials(account)
    assert stored["access_token"] == "x-user-token"
    assert (stored["refresh_token"], stored["client_secret"]) == ("", "")
