import json
from pathlib import Path

from typer.testing import CliRunner

from phigate.cli import app

runner = CliRunner()


def test_scan_prints_verdict_reasons_and_safe_version() -> None:
    result = runner.invoke(app, ["scan", "Our patient Mrs. Okonkwo went home from room 418 today."])
    assert result.exit_code == 2
    assert "BLOCK" in result.stdout
    assert "164.514(b)(2)(i)(A)" in result.stdout
    assert "[NAME]" in result.stdout


def test_reply_mode_and_json_output() -> None:
    result = runner.invoke(
        app, ["scan", "--json", "--in-reply-to", "Love you guys", "See you at your next cleaning!"]
    )
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["findings"][0]["type"] == "CONFIRMS_PATIENT"


def test_allow_exits_zero() -> None:
    assert runner.invoke(app, ["scan", "Wash your hands for 20 seconds."]).exit_code == 0


def test_profile_errors_are_explained(tmp_path: Path) -> None:
    bad = tmp_path / "org.toml"
    bad.write_text("[organization\n")
    result = runner.invoke(app, ["scan", "--profile", str(bad), "hello"])
    assert result.exit_code == 3
    assert "not valid TOML" in result.output


def test_demo_runs() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0
    assert "BLOCK" in result.stdout and "ALLOW" in result.stdout
