"""With PHIGATE_SMTP_URL set, reminders are mailed: signed in, addressed to the staff member, ids
and a link only; a server that cannot be reached leaves them for the next run."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import Engine

from phigate.notifications.delivery import MAILED, Outcome, run_reminder_job, send_reminders
from phigate.notifications.mailer import MailConfigError, MailSettings
from phigate.storage.crypto import Vault
from phigate.storage.database import session_factory
from tests.notifications.conftest import PATIENT_NAME, Clinic
from tests.notifications.smtp_sink import SmtpSink


def _settings(port: int) -> MailSettings:
    settings = MailSettings.from_environment(
        {
            "PHIGATE_SMTP_URL": f"smtp://mailer%40cedar.example:s3cret%21@127.0.0.1:{port}",
            "PHIGATE_MAIL_FROM": "phigate@cedar.example",
            "PHIGATE_BASE_URL": "https://phigate.cedar.example/",
        }
    )
    assert settings is not None
    return settings


def test_reminders_are_mailed_with_ids_and_a_link_only(clinic: Clinic) -> None:
    with SmtpSink() as sink:
        deliveries = send_reminders(clinic.service, _settings(sink.port))
    assert deliveries and {d.outcome for d in deliveries} == {Outcome.MAILED}
    assert sink.logins[0] == ("mailer@cedar.example", "s3cret!")
    assert len(sink.messages) == len(deliveries)

    emails = {p.id: p.email for p in clinic.service.people()}
    for delivery, received in zip(deliveries, sink.messages, strict=True):
        message = received.message
        assert received.recipients == [emails[delivery.reminder.recipient_id]]
        assert message["To"] == emails[delivery.reminder.recipient_id]
        assert message["From"] == "phigate@cedar.example"
        # A long subject is folded onto a second line; unfolded it reads the same.
        assert " ".join(message["Subject"].split()) == f"[phigate] {delivery.reminder.subject}"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"] and message["Date"]
        body = message.get_content()
        assert f"https://phigate.cedar.example{delivery.reminder.link_path}" in body
        raw = message.as_string()
        assert PATIENT_NAME not in raw and "Robin" not in raw and "knee" not in raw

    # The officer's mail about the expiring authorization names it by id.
    to_officer = [m.message for m in sink.messages if m.recipients == [clinic.officer_email]]
    assert any(clinic.expiring_auth in m["Subject"] for m in to_officer)
    mailed = [e for e in clinic.service.audit_entries() if e.action == MAILED]
    assert len(mailed) == len(deliveries)
    assert all(PATIENT_NAME not in str(e.details) for e in mailed)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_an_unreachable_server_fails_the_run_and_the_next_run_sends(clinic: Clinic) -> None:
    deliveries = send_reminders(clinic.service, _settings(_closed_port()))
    assert {d.outcome for d in deliveries} == {Outcome.FAILED}
    assert not [e for e in clinic.service.audit_entries() if e.action == MAILED]
    with SmtpSink() as sink:
        again = send_reminders(clinic.service, _settings(sink.port))
    assert {d.outcome for d in again} == {Outcome.MAILED}


def test_the_periodic_job_reads_the_environment(
    clinic: Clinic, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault: Vault = clinic.service.vault
    with SmtpSink() as sink:
        monkeypatch.setenv("PHIGATE_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        monkeypatch.setenv("PHIGATE_MAIL_FROM", "phigate@cedar.example")
        counts = run_reminder_job(session_factory(engine), vault)
    assert counts == {"mailed": len(sink.messages)} and sink.messages
    assert not sink.logins  # no user in the URL: no sign-in


@pytest.mark.parametrize(
    ("url", "host", "port", "starttls", "implicit_tls"),
    [
        ("smtp://mail.example", "mail.example", 25, False, False),
        ("smtp+starttls://u:p@mail.example", "mail.example", 587, True, False),
        ("smtp+starttls://u:p@mail.example:2525", "mail.example", 2525, True, False),
        ("smtps://u:p@mail.example", "mail.example", 465, False, True),
    ],
)
def test_smtp_url(url: str, host: str, port: int, starttls: bool, implicit_tls: bool) -> None:
    settings = MailSettings.from_environment({"PHIGATE_SMTP_URL": url})
    assert settings is not None
    assert (settings.host, settings.port) == (host, port)
    assert (settings.starttls, settings.implicit_tls) == (starttls, implicit_tls)
    assert settings.sender == f"phigate@{host}" and settings.base_url == "http://localhost:8000"
    assert "p@" not in repr(settings)  # the password stays out of logs


def test_unset_means_no_mail_and_a_bad_url_is_named() -> None:
    assert MailSettings.from_environment({}) is None
    with pytest.raises(MailConfigError, match="smtp://"):
        MailSettings.from_environment({"PHIGATE_SMTP_URL": "http://mail.example"})
