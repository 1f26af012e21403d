"""`phigate reminders send --dry-run` shows who would be reminded of what, and sends nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate.cli import app
from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion, add_months
from phigate.notifications.delivery import MAILED, RECORDED
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault
from phigate.storage.database import data_dir, make_engine, migrate, session_factory
from tests.compliance.factories import authorization

runner = CliRunner()
PATIENT_NAME = "Robin Example"


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIGATE_DATA_DIR", str(tmp_path / "var"))
    for variable in ("PHIGATE_DATABASE_URL", "PHIGATE_ENCRYPTION_KEYS", "PHIGATE_SMTP_URL"):
        monkeypatch.delenv(variable, raising=False)


def _service() -> ComplianceService:
    engine = make_engine()
    migrate(engine)
    return ComplianceService(
        session_factory(engine)(), Vault.from_environment(data_dir() / "encryption.key")
    )


def _clinic() -> tuple[str, str]:
    """An officer, an author whose training is due in 20 days, an authorization expiring in 10."""
    today = date.today()
    service = _service()
    officer = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    author = service.add_person("Dana Due", "dana@example.org", {Role.AUTHOR})
    for person, on in ((officer.id, today), (author.id, add_months(today, -12) + timedelta(20))):
        service.record_training(TrainingCompletion(person, "social-media-privacy", on, 95, "1"))
    patient = service.add_patient(PATIENT_NAME, officer.id)
    auth = authorization(id="auth-cli", patient_id=patient, expires_on=today + timedelta(10))
    service.record_authorization(auth, officer.id)
    service.session.commit()
    return officer.id, author.id


def _reminder_entries() -> list[str]:
    return [e.action for e in _service().audit_entries() if e.action in (MAILED, RECORDED)]


def test_dry_run_lists_recipients_and_subjects_and_sends_nothing() -> None:
    officer, author = _clinic()
    result = runner.invoke(app, ["reminders", "send", "--dry-run"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert f"{author} <dana@example.org>" in result.output
    assert f"{officer} <po@example.org>" in result.output
    assert "Your privacy training refresher is due on" in result.output
    assert "Authorization auth-cli expires on" in result.output
    assert "would_record" in result.output and "dry run, nothing sent" in result.output
    assert PATIENT_NAME not in result.output and "Robin" not in result.output
    assert _reminder_entries() == []

    sent = runner.invoke(app, ["reminders", "send"], env={"COLUMNS": "250"})
    assert sent.exit_code == 0, sent.output
    assert "recorded" in sent.output and "the web app" in sent.output
    assert _reminder_entries() == [RECORDED, RECORDED]

    again = runner.invoke(app, ["reminders", "send", "--dry-run"], env={"COLUMNS": "250"})
    assert "already_sent" in again.output and "would_record" not in again.output


def test_a_bad_smtp_url_is_refused_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIGATE_SMTP_URL", "mailto:po@example.org")
    result = runner.invoke(app, ["reminders", "send", "--dry-run"])
    assert result.exit_code == 3 and "PHIGATE_SMTP_URL" in result.output
