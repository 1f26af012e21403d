"""A full incident from detection to closed, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from phigate.compliance.people import Role
from phigate.compliance.posts import PostState
from phigate.compliance.training import TrainingCompletion
from phigate.incidents.assessment import Determination, Factor, FactorAnswer, Risk
from phigate.incidents.deadlines import DeadlineState, Recipient
from phigate.incidents.incident import Status
from phigate.incidents.operations import IncidentOperations, revoke_authorization
from phigate.service import ComplianceService, OperationError
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from phigate.storage.models import PostRow
from tests.compliance.factories import Clock, authorization


@pytest.fixture
def world(engine: Engine) -> Iterator[tuple[ComplianceService, Clock, dict[str, str]]]:
    migrate(engine)
    clock = Clock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    with session_factory(engine)() as session:
        service = ComplianceService(session, Vault([new_key()]), clock)
        officer = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
        author = service.add_person("Avery Author", "avery@example.org", {Role.AUTHOR})
        reviewer = service.add_person("Riley Reviewer", "riley@example.org", {Role.REVIEWER})
        nurse = service.add_person("Nia Nurse", "nia@example.org", {Role.AUTHOR})
        service.record_training(
            TrainingCompletion(author.id, "social-media-privacy", date(2026, 1, 10), 92, "1")
        )
        account = service.request_account("instagram", "@cedarridge", author.id, author.id)
        service.decide_account(account.id, True, officer.id)
        service.grant_posting_rights(author.id, account.id, officer.id)
        patient = service.add_patient("Robin Example", officer.id)
        auth = service.record_authorization(
            replace(authorization(expires_on=date(2027, 1, 1)), patient_id=patient), officer.id
        )
        post = service.create_post(
            author.id,
            "Robin's comeback story after knee surgery!",
            [account.id],
            authorization_ids=[auth.id],
        )
        service.submit_post(post.id, author.id)
        service.review_post(post.id, reviewer.id, "approve")
        row = session.get(PostRow, post.id)
        assert row is not None
        row.state = PostState.PUBLISHED.value
        yield (
            service,
            clock,
            {
                "officer": officer.id,
                "author": author.id,
                "nurse": nurse.id,
                "post": post.id,
                "auth": auth.id,
            },
        )
        session.rollback()


def test_detection_to_closed(world: tuple[ComplianceService, Clock, dict[str, str]]) -> None:
    service, clock, ids = world
    ops = IncidentOperations(service)
    incident = ops.open_from_post(
        ids["post"], clock.now, ids["nurse"], "A published post named a patient."
    )
    assert incident.identifier_types and incident.platforms == ("instagram",)
    assert ids["author"] in incident.workforce_involved
    with pytest.raises(OperationError, match="no containment"):
        ops.close(incident.id, ids["officer"])
    ops.contain(incident.id, "instagram", "taken down", ids["officer"])
    assert service.post(ids["post"]).state is PostState.TAKEN_DOWN
    answers = tuple(FactorAnswer(f, Risk.HIGH, "public post, 40 views") for f in Factor)
    with pytest.raises(OperationError, match="low"):
        ops.assess(incident.id, answers, Determination.LOW_PROBABILITY, "x", ids["officer"])
    ops.assess(
        incident.id, answers, Determination.BREACH, "Public, viewed, identifiable.", ids["officer"]
    )
    board = ops.deadline_board()
    assert {(d.recipient, d.due) for _, d, _ in board} == {
        (Recipient.INDIVIDUALS, date(2026, 5, 1)),
        (Recipient.HHS_ANNUAL_LOG, date(2027, 3, 1)),
    }
    clock.now = datetime(2026, 5, 2, tzinfo=UTC)
    assert any(state is DeadlineState.OVERDUE for _, _, state in ops.deadline_board())
    ops.sanction(incident.id, ids["author"], "retraining", ids["officer"])
    ops.notify(
        incident.id, Recipient.INDIVIDUALS, date(2026, 4, 1), "first-class mail", ids["officer"]
    )
    with pytest.raises(OperationError, match="hhs_annual_log"):
        ops.close(incident.id, ids["officer"])
    ops.notify(
        incident.id, Recipient.HHS_ANNUAL_LOG, date(2027, 2, 1), "HHS portal", ids["officer"]
    )
    closed = ops.close(incident.id, ids["officer"])
    assert closed.status is Status.CLOSED and closed.sanctions[0].action == "retraining"
    evidence = zipfile.ZipFile(io.BytesIO(ops.evidence_export(incident.id)))
    assert {
        "incident.json",
        "audit-slice.jsonl",
        "audit-verification.json",
        "authorizations.json",
        "training.csv",
    } <= set(evidence.namelist())
    assert json.loads(evidence.read("audit-verification.json"))["problems"] == []
    report = ops.compliance_report(date(2026, 1, 1), date(2026, 12, 31))
    assert report["audit_chain_intact"] and report["incidents"][0]["status"] == "closed"
    assert "Robin" not in json.dumps(report) and "Robin" not in ops.compliance_report_csv(report)
    assert service.verify_audit() == []


def test_revocation_with_live_posts_opens_an_incident(
    world: tuple[ComplianceService, Clock, dict[str, str]],
) -> None:
    service, clock, ids = world
    effect, incident = revoke_authorization(
        service, ids["auth"], ids["officer"], "letter", ids["officer"]
    )
    assert effect.takedown_post_ids == (ids["post"],)
    assert incident is not None and incident.post_ids == (ids["post"],) and incident.is_breach
    clock.now += timedelta(days=1)
