"""The administration commands, as a privacy officer would run them, on the embedded database."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIGATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PHIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("PHIGATE_ENCRYPTION_KEYS", raising=False)
    return tmp_path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_people_training_accounts_posts_and_audit(tmp_path: Path) -> None:
    run(
        "people",
        "add",
        "Pat Officer",
        "po@example.org",
        "--role",
        "privacy_officer",
        "--role",
        "admin",
    )
    run("people", "add", "Avery Author", "avery@example.org", "--role", "author")
    run("people", "add", "Riley Reviewer", "riley@example.org", "--role", "reviewer")
    csv_file = tmp_path / "lms.csv"
    csv_file.write_text(
        "email,course,completed_on,score,policy_version\n"
        "avery@example.org,social-media-privacy,2099-01-01,90,1\n"
        "nobody@example.org,social-media-privacy,2026-01-01,90,1\n"
    )
    result = runner.invoke(app, ["training", "import", str(csv_file), "--as", "po@example.org"])
    assert (
        result.exit_code == 3 and "line 3: no staff member has this email address" in result.output
    )
    assert "never" in run("people", "list")  # a completion dated in the future does not count
    account = (
        run(
            "accounts",
            "request",
            "bluesky",
            "@cedarridge.example",
            "avery@example.org",
            "--as",
            "avery@example.org",
        )
        .split()[1]
        .rstrip(":")
    )
    assert "active" in run("accounts", "approve", account, "--as", "po@example.org")
    run("accounts", "grant", account, "avery@example.org", "--as", "po@example.org")
    post = run(
        "posts",
        "create",
        "Flu shots are free this Saturday!",
        "--account",
        account,
        "--as",
        "avery@example.org",
    ).strip()
    refused = runner.invoke(app, ["posts", "submit", post, "--as", "avery@example.org"])
    assert (
        refused.exit_code == 3
        and "not completed the social media privacy training" in refused.output
    )
    assert "intact" in run("audit", "verify")
    export = tmp_path / "audit.jsonl"
    run("audit", "export", "-o", str(export))
    actions = [json.loads(line)["action"] for line in export.read_text().splitlines()]
    assert "post.submit_refused" in actions and "account.approved" in actions


def test_blank_form_and_key_commands(tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    run("authorizations", "form", "Robin Example", "Knee stories", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert len(run("keys", "new").strip()) == 44


def test_purge_inside_retention_is_refused() -> None:
    run("people", "add", "Pat Officer", "po@example.org", "--role", "privacy_officer")
    result = runner.invoke(app, ["audit", "purge", "2026-01-01", "--as", "po@example.org"])
    assert result.exit_code == 3 and "six years" in result.output


def test_init_creates_the_organization_once() -> None:
    args = [
        "init",
        "--org",
        "Cedar Ridge",
        "--admin-name",
        "Pat Officer",
        "--admin-email",
        "po@example.org",
        "--password",
        "a long password 1",
    ]
    out = run(*args)
    assert "otpauth://" in out and "Cedar Ridge" in out
    result = runner.invoke(app, args)
    assert result.exit_code == 3 and "already exists" in result.output
    assert "Pat Officer" in run("people", "list")
