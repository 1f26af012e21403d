"""What is due, and who must be reminded of it.

A reminder names the thing that is due by its id and says when; it never carries a patient's name,
a post's text or an incident's summary, because it may travel by ordinary e-mail. The person
follows the link into phigate, where the details are behind sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select

from phigate.compliance.accounts import AccountStatus
from phigate.compliance.authorizations import expiring
from phigate.compliance.people import Person, Role
from phigate.compliance.training import TRAINING_CITATION, TrainingState
from phigate.incidents.incident import Status
from phigate.incidents.operations import IncidentOperations
from phigate.service import ComplianceService
from phigate.storage.models import AuditRow

TRAINING_WINDOW_DAYS = 30  # the first refresher reminder of TrainingPolicy.reminder_days
AUTHORIZATION_WINDOW_DAYS = 30
INCIDENT_WINDOW_DAYS = 7
ACCOUNT_REQUEST_WAIT_DAYS = 3
AUTHORIZATION_CITATION = "45 CFR 164.508(c)(1)(v)"


class ReminderKind(StrEnum):
    TRAINING_DUE = "training_due"
    TRAINING_LAPSED = "training_lapsed"
    AUTHORIZATION_EXPIRING = "authorization_expiring"
    INCIDENT_DEADLINE = "incident_deadline"
    ACCOUNT_REQUEST = "account_request"


@dataclass(frozen=True)
class Reminder:
    recipient_id: str  # a person id; the address is looked up when it is sent
    kind: ReminderKind
    subject: str  # ids and dates only
    body: str  # ids, dates and the rule's citation only
    due_on: date
    link_path: str  # the page in phigate, joined to PHIGATE_BASE_URL in a mail
    dedupe_key: str  # the same key is sent at most once per dedupe period


def due_reminders(service: ComplianceService, today: date) -> list[Reminder]:
    """Every reminder due on `today`, one per recipient and thing, soonest due first."""
    officers = _privacy_officers(service.people())
    found = [
        *_training(service, today, officers),
        *_authorizations(service, today, officers),
        *_incident_deadlines(service, today, officers),
        *_account_requests(service, today, officers),
    ]
    return sorted(found, key=lambda r: (r.due_on, r.kind.value, r.recipient_id, r.dedupe_key))


def _privacy_officers(people: list[Person]) -> list[Person]:
    officers = [p for p in people if p.has(Role.PRIVACY_OFFICER)]
    # Someone must hear of a breach deadline even before a privacy officer is named.
    return officers or [p for p in people if p.has(Role.ADMIN)]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _when(due_on: date, today: date) -> str:
    left = (due_on - today).days
    if left > 0:
        return f"in {_days(left)}"
    if left == 0:
        return "today"
    return f"{_days(-left)} ago"


def _training(service: ComplianceService, today: date, officers: list[Person]) -> list[Reminder]:
    found = []
    for person in service.people():
        if not person.active:
            continue
        status = service.training(person.id, today)
        if status.state is TrainingState.DUE_SOON and status.due_on is not None:
            if (status.due_on - today).days > TRAINING_WINDOW_DAYS:
                continue
            found.append(
                Reminder(
                    person.id,
                    ReminderKind.TRAINING_DUE,
                    f"Your privacy training refresher is due on {status.due_on.isoformat()}",
                    f"Your social media privacy training expires on {status.due_on.isoformat()} "
                    f"({_when(status.due_on, today)}). Complete the refresher before then to keep "
                    f"posting ({TRAINING_CITATION}).",
                    status.due_on,
                    "/posts",
                    f"{ReminderKind.TRAINING_DUE}:{person.id}:{status.due_on.isoformat()}",
                )
            )
        elif status.state is TrainingState.LAPSED:
            why = status.finding.code if status.finding is not None else "TRAINING_LAPSED"
            citation = status.finding.citation if status.finding is not None else TRAINING_CITATION
            if why == "TRAINING_POLICY_CHANGED":
                # Lapsed at once by a policy change: due now; the key names the version, not a
                # date, so that it stays the same from day to day and the weekly dedupe holds.
                version = service.training_policy.policy_version
                due_on, anchor = today, f"policy-{version}"
                since = f"the social media policy changed to version {version}"
            else:
                due_on = status.due_on or today
                anchor = due_on.isoformat()
                since = f"expired on {due_on.isoformat()}"
            key = f"{ReminderKind.TRAINING_LAPSED}:{person.id}:{anchor}"
            found.append(
                Reminder(
                    person.id,
                    ReminderKind.TRAINING_LAPSED,
                    "Your privacy training has lapsed: you cannot post until you retake it",
                    f"Your social media privacy training is no longer current ({since}). "
                    f"Complete the training to post again ({citation}).",
                    due_on,
                    "/posts",
                    f"{key}:{person.id}",
                )
            )
            for officer in officers:
                if officer.id == person.id:
                    continue
                found.append(
                    Reminder(
                        officer.id,
                        ReminderKind.TRAINING_LAPSED,
                        f"Privacy training lapsed for staff member {person.id}",
                        f"The social media privacy training of staff member {person.id} is no "
                        f"longer current ({since}); they cannot post until they retake it "
                        f"({citation}).",
                        due_on,
                        "/privacy",
                        f"{key}:{officer.id}",
                    )
                )
    return found


def _authorizations(
    service: ComplianceService, today: date, officers: list[Person]
) -> list[Reminder]:
    found = []
    for soon in expiring(service.authorizations(), today, AUTHORIZATION_WINDOW_DAYS):
        for officer in officers:
            found.append(
                Reminder(
                    officer.id,
                    ReminderKind.AUTHORIZATION_EXPIRING,
                    f"Authorization {soon.authorization_id} expires on "
                    f"{soon.expires_on.isoformat()}",
                    f"Patient authorization {soon.authorization_id} expires on "
                    f"{soon.expires_on.isoformat()} ({_when(soon.expires_on, today)}); posts "
                    f"relying on it cannot be published after that date. Obtain a new "
                    f"authorization if the posts should stay ({AUTHORIZATION_CITATION}).",
                    soon.expires_on,
                    "/privacy",
                    f"{ReminderKind.AUTHORIZATION_EXPIRING}:{soon.authorization_id}:"
                    f"{soon.expires_on.isoformat()}:{officer.id}",
                )
            )
    return found


def _incident_deadlines(
    service: ComplianceService, today: date, officers: list[Person]
) -> list[Reminder]:
    found = []
    for incident in IncidentOperations(service).incidents():
        if incident.status is Status.CLOSED:
            continue
        for deadline in incident.deadlines():
            if incident.notified_on(deadline) is not None:
                continue
            if (deadline.due - today).days > INCIDENT_WINDOW_DAYS:
                continue
            to = deadline.recipient.value.replace("_", " ")
            if deadline.jurisdiction:
                to += f" ({deadline.jurisdiction})"
            overdue = deadline.due < today
            for officer in officers:
                found.append(
                    Reminder(
                        officer.id,
                        ReminderKind.INCIDENT_DEADLINE,
                        f"Incident {incident.id}: notice to {to} "
                        f"{'OVERDUE since' if overdue else 'due'} {deadline.due.isoformat()}",
                        f"The breach notice to {to} for incident {incident.id} is "
                        f"{'overdue' if overdue else 'due'}: due on {deadline.due.isoformat()} "
                        f"({_when(deadline.due, today)}), not yet recorded as sent "
                        f"({deadline.citation}).",
                        deadline.due,
                        "/incidents",
                        f"{ReminderKind.INCIDENT_DEADLINE}:{incident.id}:{deadline.recipient.value}:"
                        f"{deadline.jurisdiction or '-'}:{deadline.due.isoformat()}:{officer.id}",
                    )
                )
    return found


def _account_requests(
    service: ComplianceService, today: date, officers: list[Person]
) -> list[Reminder]:
    waiting = [a for a in service.accounts() if a.status is AccountStatus.REQUESTED]
    if not waiting:
        return []
    # The account row keeps no request time; the audit trail does.
    requested_on: dict[str, date] = {}
    rows = service.session.scalars(
        select(AuditRow).where(
            AuditRow.action == "account.requested",
            AuditRow.subject_id.in_([a.id for a in waiting]),
        )
    )
    for row in rows:
        requested_on.setdefault(row.subject_id, row.at.date())
    found = []
    for account in waiting:
        since = requested_on.get(account.id)
        if since is None or (today - since).days <= ACCOUNT_REQUEST_WAIT_DAYS:
            continue
        for officer in officers:
            if officer.id == account.requested_by:
                continue  # separation of duties: they cannot decide their own request
            found.append(
                Reminder(
                    officer.id,
                    ReminderKind.ACCOUNT_REQUEST,
                    f"Social account request {account.id} has waited {_days((today - since).days)}",
                    f"A request for a {account.platform} account ({account.id}) has waited for a "
                    f"decision since {since.isoformat()}. Approve or reject it on the privacy "
                    "dashboard.",
                    since,
                    "/privacy",
                    f"{ReminderKind.ACCOUNT_REQUEST}:{account.id}:{officer.id}",
                )
            )
    return found
