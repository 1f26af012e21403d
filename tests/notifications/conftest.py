"""An invented clinic on a fixed clock (2026-06-15), with one of each thing a reminder is about.

Every name below is invented. The patient's name, Robin Example, is also written into the incident
summaries, so that a test can prove no reminder ever carries it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion
from phigate.incidents.deadlines import Recipient
from phigate.incidents.operations import IncidentOperations
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from tests.compliance.factories import Clock, authorization

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
PATIENT_NAME = "Robin Example"
COURSE = "social-media-privacy"


@dataclass(frozen=True)
class Clinic:
    service: ComplianceService
    clock: Clock
    officer: str
    officer_email: str
    due_soon: str  # training due in 20 days
    lapsed: str  # training expired 45 days ago
    current: str  # training current for months
    expiring_auth: str  # expires in 10 days
    lasting_auth: str  # expires in months
    incident_soon: str  # notice to individuals due in 5 days
    incident_overdue: str  # notice to individuals 15 days overdue
    incident_notified: str  # due in 3 days, but already sent
    old_request: str  # account requested 5 days ago
    new_request: str  # account requested yesterday


def _trained(service: ComplianceService, person_id: str, on: date) -> None:
    service.record_training(TrainingCompletion(person_id, COURSE, on, 95, "1"))


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Clinic]:
    migrate(engine)
    clock = Clock(NOW - timedelta(days=5))  # the audit trail's times only ever move forward
    with session_factory(engine)() as session:
        service = ComplianceService(session, Vault([new_key()]), clock)
        officer = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
        due_soon = service.add_person("Dana Due", "dana@example.org", {Role.AUTHOR})
        lapsed = service.add_person("Lee Lapsed", "lee@example.org", {Role.AUTHOR})
        current = service.add_person("Cam Current", "cam@example.org", {Role.AUTHOR})
        old_request = service.request_account("instagram", "@cedarridge", current.id, current.id)
        clock.now = NOW - timedelta(days=1)
        new_request = service.request_account("tiktok", "@cedarridge", current.id, current.id)
        clock.now = NOW
        _trained(service, officer.id, date(2026, 2, 1))
        _trained(service, due_soon.id, date(2025, 7, 5))  # due 2026-07-05: in 20 days
        _trained(service, lapsed.id, date(2025, 5, 1))  # due 2026-05-01: lapsed
        _trained(service, current.id, date(2026, 1, 10))  # due 2027-01-10

        patient = service.add_patient(PATIENT_NAME, officer.id)
        expiring_auth = service.record_authorization(
            replace(
                authorization(id="auth-expiring", expires_on=date(2026, 6, 25)), patient_id=patient
            ),
            officer.id,
        )
        lasting_auth = service.record_authorization(
            replace(
                authorization(id="auth-lasting", expires_on=date(2026, 12, 1)), patient_id=patient
            ),
            officer.id,
        )

        ops = IncidentOperations(service)
        summary = f"A post named {PATIENT_NAME} and the knee surgery."
        soon = ops.open_from_complaint(
            datetime(2026, 4, 21, 12, tzinfo=UTC), officer.id, summary, ("NAME",), ("instagram",)
        )  # individuals due 2026-06-20
        overdue = ops.open_from_complaint(
            datetime(2026, 4, 1, 12, tzinfo=UTC), officer.id, summary, ("NAME",), ("instagram",)
        )  # individuals due 2026-05-31
        notified = ops.open_from_complaint(
            datetime(2026, 4, 19, 12, tzinfo=UTC), officer.id, summary, ("NAME",), ("instagram",)
        )  # individuals due 2026-06-18, already sent
        ops.notify(notified.id, Recipient.INDIVIDUALS, date(2026, 6, 1), "letter", officer.id)
        session.commit()
        yield Clinic(
            service, clock, officer.id, officer.email, due_soon.id, lapsed.id, current.id,
            expiring_auth.id, lasting_auth.id, soon.id, overdue.id, notified.id,
            old_request.id, new_request.id,
        )  # fmt: skip
        session.rollback()
