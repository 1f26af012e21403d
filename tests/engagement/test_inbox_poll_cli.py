"""`phigate inbox poll`: fetches every connected account now and reports counts, never comments."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate import jobs
from phigate.cli import app
from tests.publishing.fake_mastodon import TOKEN, mention, new_state, running

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PHIGATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PHIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("PHIGATE_ENCRYPTION_KEYS", raising=False)
    jobs.publisher.cache_clear()
    yield tmp_path
    jobs.publisher.cache_clear()


def _mastodon_account(base: str, token: str) -> str:
    runner.invoke(app, ["people", "add", "Pat Officer", "po@example.org", "--role", "privacy_officer", "--role", "admin"])  # fmt: skip
    runner.invoke(app, ["people", "add", "Morgan", "morgan@example.org", "--role", "author"])
    out = runner.invoke(app, ["accounts", "request", "mastodon", "@clinic", "morgan@example.org", "--as", "morgan@example.org"]).output  # fmt: skip
    account = out.split()[1].rstrip(":")
    runner.invoke(app, ["accounts", "approve", account, "--as", "po@example.org"])
    stored = runner.invoke(app, ["publish", "credentials", account, "--set", f"api_base_url={base}",
                                 "--set", f"access_token={token}", "--as", "po@example.org"])  # fmt: skip
    assert stored.exit_code == 0, stored.output
    return account


def test_poll_reports_new_items_then_nothing_new() -> None:
    state = new_state()
    state["notifications"] = [
        mention(1, "2026-11-22T09:00:00.000Z", "Kim", "<p>Open on Sunday?</p>", status_id="s1"),
        mention(2, "2026-11-22T09:30:00.000Z", "Maria", "<p>My hip surgery on March 3 went great</p>", status_id="s2"),
    ]  # fmt: skip
    with running(state) as base:
        account = _mastodon_account(base, TOKEN)
        first = runner.invoke(app, ["inbox", "poll"])
        again = runner.invoke(app, ["inbox", "poll"])
    assert first.exit_code == 0, first.output
    assert f"{account}: 2 new of 2 fetched, 1 with" in first.output
    assert "hip" not in first.output and "Maria" not in first.output
    assert f"{account}: 0 new of 1 fetched" in again.output  # the newest is read again, kept once


def test_a_refused_token_is_reported_and_the_exit_status_says_so() -> None:
    state = new_state()
    state["notifications"] = [
        mention(1, "2026-11-22T09:00:00.000Z", "Kim", "<p>Open on Sunday?</p>", status_id="s1")
    ]
    with running(state) as base:
        _mastodon_account(base, "revoked-token")
        result = runner.invoke(app, ["inbox", "poll"])
    assert result.exit_code == 1
    assert "access token" in result.output and "Sunday" not in result.output
