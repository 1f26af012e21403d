"""What is due on a fixed day, and who is reminded of it: nothing for what is current."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import update

from phigate.compliance.people import Role
from phigate.compliance.training import TrainingPolicy
from phigate.notifications.reminders import Reminder, ReminderKind, due_reminders
from phigate.storage.models import PersonRow
from tests.notifications.conftest import PATIENT_NAME, TODAY, Clinic


def _about(reminders: list[Reminder]) -> set[tuple[str, ReminderKind, str]]:
    """(recipient, kind, the id the reminder names) for each reminder."""
    found = set()
    for r in reminders:
        named = [word.strip("():,.") for word in r.subject.split() if "-" in word]
        found.add((r.recipient_id, r.kind, named[0] if named else ""))
    return found


def test_each_due_item_reminds_the_right_people_and_nothing_else(clinic: Clinic) -> None:
    reminders = due_reminders(clinic.service, TODAY)
    c = clinic
    assert _about(reminders) == {
        # training due within 30 days: the staff member only
        (c.due_soon, ReminderKind.TRAINING_DUE, "2026-07-05"),
        # lapsed training: the staff member and the privacy officer
        (c.lapsed, ReminderKind.TRAINING_LAPSED, ""),
        (c.officer, ReminderKind.TRAINING_LAPSED, c.lapsed),
        # an authorization expiring in 10 days: the privacy officer
        (c.officer, ReminderKind.AUTHORIZATION_EXPIRING, c.expiring_auth),
        # a breach notice due in 5 days and one overdue: the privacy officer
        (c.officer, ReminderKind.INCIDENT_DEADLINE, c.incident_soon),
        (c.officer, ReminderKind.INCIDENT_DEADLINE, c.incident_overdue),
        # an account request waiting 5 days: the privacy officer
        (c.officer, ReminderKind.ACCOUNT_REQUEST, c.old_request),
    }
    # Nothing for the current: trained staff, the lasting authorization, a notice already sent,
    # yesterday's account request, the annual HHS log due next year.
    text = " ".join(f"{r.subject} {r.body} {r.dedupe_key}" for r in reminders)
    for quiet in (c.current, c.lasting_auth, c.incident_notified, c.new_request):
        assert quiet not in text
    assert "hhs" not in text.lower()


def test_dates_deadlines_and_citations(clinic: Clinic) -> None:
    by_kind: dict[ReminderKind, list[Reminder]] = {}
    for r in due_reminders(clinic.service, TODAY):
        by_kind.setdefault(r.kind, []).append(r)

    (training,) = by_kind[ReminderKind.TRAINING_DUE]
    assert training.due_on == date(2026, 7, 5) and "in 20 days" in training.body
    assert "45 CFR 164.530(b)" in training.body and training.link_path == "/posts"

    (expiring,) = by_kind[ReminderKind.AUTHORIZATION_EXPIRING]
    assert expiring.due_on == date(2026, 6, 25) and "in 10 days" in expiring.body
    assert "164.508(c)(1)(v)" in expiring.body and expiring.link_path == "/privacy"

    deadlines = {
        r.subject.split()[1].rstrip(":"): r for r in by_kind[ReminderKind.INCIDENT_DEADLINE]
    }
    soon = deadlines[clinic.incident_soon]
    assert soon.due_on == date(2026, 6, 20) and "in 5 days" in soon.body
    assert "individuals" in soon.subject and "45 CFR 164.404(b)" in soon.body
    overdue = deadlines[clinic.incident_overdue]
    assert "OVERDUE" in overdue.subject and "15 days ago" in overdue.body
    assert soon.link_path == overdue.link_path == "/incidents"


def test_no_reminder_carries_patient_details(clinic: Clinic) -> None:
    for r in due_reminders(clinic.service, TODAY):
        for text in (r.subject, r.body, r.link_path, r.dedupe_key):
            assert PATIENT_NAME not in text and "Robin" not in text and "knee" not in text


def test_every_reminder_has_its_own_dedupe_key(clinic: Clinic) -> None:
    reminders = due_reminders(clinic.service, TODAY)
    assert len({r.dedupe_key for r in reminders}) == len(reminders)
    # The same thing tomorrow keeps its key, so a weekly dedupe holds across days.
    tomorrow = due_reminders(clinic.service, TODAY + timedelta(days=1))
    assert {r.dedupe_key for r in reminders} <= {r.dedupe_key for r in tomorrow}


def test_a_policy_change_lapses_everyone_with_a_key_stable_from_day_to_day(clinic: Clinic) -> None:
    # 164.530(b)(2)(i)(C): a material change to the policy means training again.
    changed = replace(clinic.service, training_policy=TrainingPolicy(policy_version="2"))

    def lapsed(today: date) -> dict[str, str]:
        return {
            r.recipient_id: r.dedupe_key
            for r in due_reminders(changed, today)
            if r.kind is ReminderKind.TRAINING_LAPSED and r.subject.startswith("Your")
        }

    today, tomorrow = lapsed(TODAY), lapsed(TODAY + timedelta(days=1))
    assert {clinic.current, clinic.due_soon, clinic.lapsed, clinic.officer} <= set(today)
    assert today == tomorrow


def test_without_a_privacy_officer_an_admin_hears_of_deadlines(clinic: Clinic) -> None:
    officer = clinic.service.person(clinic.officer)
    admin = clinic.service.add_person("Ari Admin", "ari@example.org", {Role.ADMIN})
    # The only privacy officer leaves the role.
    clinic.service.session.execute(
        update(PersonRow).where(PersonRow.id == officer.id).values(roles=Role.AUTHOR.value)
    )
    recipients = {
        r.recipient_id
        for r in due_reminders(clinic.service, TODAY)
        if r.kind is ReminderKind.INCIDENT_DEADLINE
    }
    assert recipients == {admin.id}
