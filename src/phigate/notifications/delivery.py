"""Sending the due reminders: by mail when SMTP is configured, otherwise recorded in the audit trail
for the web app to show; each one at most once per week.

The audit trail is the record of what was sent (no table of its own): a `reminder.mailed` or
`reminder.recorded` entry per reminder, addressed to the recipient's person id, with the dedupe
key, kind, due date, subject and link (ids and dates only).
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from phigate.notifications.mailer import MailSettings, SmtpMailer, reminder_message
from phigate.notifications.reminders import Reminder, ReminderKind, due_reminders
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault
from phigate.storage.models import AuditRow

log = logging.getLogger(__name__)

DEDUPE_PERIOD = timedelta(days=7)
MAILED = "reminder.mailed"
RECORDED = "reminder.recorded"


class Outcome(StrEnum):
    MAILED = "mailed"
    RECORDED = "recorded"  # no SMTP configured: shown in the web app instead
    ALREADY_SENT = "already_sent"  # the same reminder went out within the dedupe period
    FAILED = "failed"  # the mail server refused or was unreachable; the next run tries again
    WOULD_MAIL = "would_mail"  # dry run
    WOULD_RECORD = "would_record"  # dry run


@dataclass(frozen=True)
class Delivery:
    reminder: Reminder
    recipient_email: str
    outcome: Outcome


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ShownReminder:
    """A reminder as the web app lists it."""

    at: datetime
    kind: ReminderKind
    subject: str
    due_on: date
    link_path: str


def send_reminders(
    service: ComplianceService,
    settings: MailSettings | None,
    *,
    dry_run: bool = False,
    mailer_for: Callable[[MailSettings], Mailer] = SmtpMailer,
) -> list[Delivery]:
    """Send every due reminder not sent in the last seven days; what happened to each."""
    now = service.clock()
    reminders = due_reminders(service, now.date())
    already = recently_sent(service.session, now)
    emails = {p.id: p.email for p in service.people()}
    deliveries: list[Delivery] = []
    mailer = mailer_for(settings) if settings is not None and not dry_run else None
    server_down = False
    try:
        for reminder in reminders:
            email = emails.get(reminder.recipient_id, "")
            if reminder.dedupe_key in already:
                outcome = Outcome.ALREADY_SENT
            elif dry_run:
                outcome = Outcome.WOULD_MAIL if settings is not None else Outcome.WOULD_RECORD
            elif mailer is not None and settings is not None:
                # Once the server is unusable the rest wait for the next run, not a timeout each.
                outcome = Outcome.FAILED
                if not server_down:
                    outcome, server_down = _mail(mailer, reminder, email, settings)
            else:
                outcome = Outcome.RECORDED
            if outcome in (Outcome.MAILED, Outcome.RECORDED):
                _record(service, reminder, outcome)
                already.add(reminder.dedupe_key)
            deliveries.append(Delivery(reminder, email, outcome))
    finally:
        if mailer is not None:
            mailer.close()
    counts = Counter(d.outcome.value for d in deliveries)
    log.info("reminders: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
    return deliveries


def _mail(
    mailer: Mailer, reminder: Reminder, email: str, settings: MailSettings
) -> tuple[Outcome, bool]:
    """The outcome, and whether the server is unusable for the rest of the run."""
    try:
        mailer.send(reminder_message(reminder, email, settings))
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        # The type and ids only: a server's reply may quote the message.
        log.error(
            "mailing reminder %s to %s failed (%s)",
            reminder.kind.value,
            reminder.recipient_id,
            type(error).__name__,
        )
        # One refused address is that address's problem; anything else is the server's.
        return Outcome.FAILED, not isinstance(error, smtplib.SMTPRecipientsRefused)
    return Outcome.MAILED, False


def _record(service: ComplianceService, reminder: Reminder, outcome: Outcome) -> None:
    service.record(
        None,
        MAILED if outcome is Outcome.MAILED else RECORDED,
        "person",
        reminder.recipient_id,
        key=reminder.dedupe_key,
        kind=reminder.kind.value,
        due=reminder.due_on.isoformat(),
        subject=reminder.subject,
        link=reminder.link_path,
    )


def _recent_rows(session: Session, now: datetime, person_id: str | None = None) -> list[AuditRow]:
    query = select(AuditRow).where(
        AuditRow.action.in_((MAILED, RECORDED)), AuditRow.at > now - DEDUPE_PERIOD
    )
    if person_id is not None:
        query = query.where(AuditRow.subject_id == person_id)
    return list(session.scalars(query.order_by(AuditRow.seq.desc())))


def recently_sent(session: Session, now: datetime) -> set[str]:
    """The dedupe keys of the reminders mailed or recorded within the dedupe period."""
    return {str(row.details.get("key")) for row in _recent_rows(session, now)}


def reminders_for(service: ComplianceService, person_id: str) -> list[ShownReminder]:
    """The person's reminders of the last seven days, newest first, for the web app."""
    shown = []
    for row in _recent_rows(service.session, service.clock(), person_id):
        details = row.details
        try:
            shown.append(
                ShownReminder(
                    row.at,
                    ReminderKind(str(details["kind"])),
                    str(details["subject"]),
                    date.fromisoformat(str(details["due"])),
                    str(details["link"]),
                )
            )
        except (KeyError, ValueError):
            continue  # an entry written by another version: not worth a broken page
    return shown


def run_reminder_job(sessions: sessionmaker[Session], vault: Vault) -> dict[str, int]:
    """The periodic job: send what is due in one transaction; counts by outcome."""
    settings = MailSettings.from_environment()
    with sessions() as session:
        deliveries = send_reminders(ComplianceService(session, vault), settings)
        session.commit()
    return dict(Counter(d.outcome.value for d in deliveries))
