"""Incident commands as the privacy officer runs them, and the compliance report read back from its PDF."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from phigate.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIGATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PHIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("PHIGATE_ENCRYPTION_KEYS", raising=False)
    return tmp_path


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_complaint_to_report(tmp_path: Path) -> None:
    run("people", "add", "Pat Officer", "po@example.org", "--role", "privacy_officer")
    opened = run("incidents", "open", "--as", "po@example.org", "--summary", "A reply confirmed a reviewer was a patient.",
                 "--type", "CONFIRMS_PATIENT", "--platform", "google", "--discovered", "2026-03-02T15:00:00+00:00")  # fmt: skip
    incident = opened.split()[1].rstrip(";")
    refused = run("incidents", "assess", incident, "--as", "po@example.org", "low_probability_of_compromise", "ok",
                  "--factor", "nature_and_extent=low:first name only", code=3)  # fmt: skip
    assert "unauthorized person" in refused
    factors = ["nature_and_extent=high:confirms care", "unauthorized_person=high:the public",
               "acquired_or_viewed=medium:12 views", "mitigation=medium:removed in 2 hours"]  # fmt: skip
    args = [arg for f in factors for arg in ("--factor", f)]
    run(
        "incidents",
        "assess",
        incident,
        "--as",
        "po@example.org",
        "breach",
        "Public and identifiable.",
        *args,
    )
    listing = run("incidents", "list")
    assert "2026-05-01" in listing and "2027-03-01" in listing
    assert "overdue" in listing  # today is well past 2026-05-01 with no notice recorded
    assert "cannot be closed" in run(
        "incidents", "close", incident, "--as", "po@example.org", code=3
    )
    out = tmp_path / "report.pdf"
    run("reports", "compliance", "-o", str(out), "--from", "2026-01-01", "--to", "2026-12-31")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages
    )
    assert "verified intact" in text and incident in text and "overdue" in text
    estimate = run("incidents", "penalty", "B", "3", "--on", "2026-06-01")
    assert "ESTIMATE ONLY" in estimate and "$4,383" in estimate
