"""Each reminder goes out at most once in seven days; without SMTP it is recorded instead."""

from __future__ import annotations

from datetime import timedelta

from phigate.notifications.delivery import RECORDED, Outcome, recently_sent, send_reminders
from tests.notifications.conftest import NOW, Clinic
from tests.notifications.smtp_sink import SmtpSink


def test_without_smtp_reminders_are_recorded_in_the_audit_trail(clinic: Clinic) -> None:
    deliveries = send_reminders(clinic.service, None)
    assert deliveries and {d.outcome for d in deliveries} == {Outcome.RECORDED}
    recorded = [e for e in clinic.service.audit_entries() if e.action == RECORDED]
    assert {e.details["key"] for e in recorded} == {d.reminder.dedupe_key for d in deliveries}
    assert {e.subject_id for e in recorded} == {d.reminder.recipient_id for d in deliveries}
    assert not clinic.service.verify_audit()


def test_a_reminder_is_not_sent_again_within_seven_days(clinic: Clinic) -> None:
    first = send_reminders(clinic.service, None)
    keys = {d.reminder.dedupe_key for d in first}
    assert {d.outcome for d in send_reminders(clinic.service, None)} == {Outcome.ALREADY_SENT}

    clinic.clock.now = NOW + timedelta(days=6, hours=23)
    later = send_reminders(clinic.service, None)
    assert {d.outcome for d in later if d.reminder.dedupe_key in keys} == {Outcome.ALREADY_SENT}

    clinic.clock.now = NOW + timedelta(days=7)
    week = send_reminders(clinic.service, None)
    again = {d.reminder.dedupe_key for d in week if d.outcome is Outcome.RECORDED}
    # Still due a week later (training, the expiring authorization, the breach notices): sent again.
    assert again and again <= keys | {d.reminder.dedupe_key for d in later}
    assert recently_sent(clinic.service.session, clinic.clock()) >= again


def test_a_mailed_reminder_is_not_mailed_twice(clinic: Clinic) -> None:
    with SmtpSink() as sink:
        settings_url = f"smtp://127.0.0.1:{sink.port}"
        from phigate.notifications.mailer import MailSettings

        settings = MailSettings.from_environment({"PHIGATE_SMTP_URL": settings_url})
        first = send_reminders(clinic.service, settings)
        second = send_reminders(clinic.service, settings)
    assert len(sink.messages) == len(first)
    assert {d.outcome for d in second} == {Outcome.ALREADY_SENT}
