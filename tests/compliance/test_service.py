"""The compliance operations end to end, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from phigate.compliance.people import Role
from phigate.compliance.posts import PostState
from phigate.compliance.training import TrainingCompletion
from phigate.service import ComplianceService, OperationError
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from phigate.storage.models import AuthorizationRow, PostRow
from tests.compliance.factories import Clock, authorization


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(engine: Engine, clock: Clock) -> Iterator[ComplianceService]:
    migrate(engine)
    with session_factory(engine)() as session:
        yield ComplianceService(session, Vault([new_key()]), clock)
        session.rollback()


@pytest.fixture
def org(service: ComplianceService) -> dict[str, str]:
    po = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    author = service.add_person("Avery Author", "avery@example.org", {Role.AUTHOR})
    reviewer = service.add_person("Riley Reviewer", "riley@example.org", {Role.REVIEWER})
    service.record_training(
        TrainingCompletion(author.id, "social-media-privacy", date(2026, 1, 10), 92, "1")
    )
    account = service.request_account("instagram", "@cedarridge", author.id, author.id)
    service.decide_account(account.id, True, po.id)
    service.grant_posting_rights(author.id, account.id, po.id)
    patient = service.add_patient("Robin Example", po.id, phone="555-0142")
    auth = service.record_authorization(
        replace(authorization(), patient_id=patient), po.id, form=b"%PDF-1.4 signed"
    )
    return {
        "po": po.id,
        "author": author.id,
        "reviewer": reviewer.id,
        "account": account.id,
        "patient": patient,
        "auth": auth.id,
    }


def test_post_from_draft_to_scheduled(service: ComplianceService, org: dict[str, str]) -> None:
    post = service.create_post(
        org["author"],
        "Meet Robin, back on the trail after knee surgery yesterday!",
        [org["account"]],
    )
    post, reasons = service.submit_post(post.id, org["author"])
    assert post.state is PostState.IN_REVIEW
    assert "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION" in {r.code for r in reasons}
    _, refused = service.review_post(post.id, org["reviewer"], "approve")
    assert refused is not None and not refused.allowed
    service.link_authorizations(post.id, [org["auth"]], org["author"])
    approved, result = service.review_post(post.id, org["reviewer"], "approve")
    assert approved.state is PostState.APPROVED and result is not None and result.allowed
    scheduled = service.schedule_post(post.id, datetime(2026, 6, 20, 9, tzinfo=UTC), org["author"])
    assert scheduled.state is PostState.SCHEDULED
    assert service.verify_audit() == []


def test_untrained_author_cannot_submit(service: ComplianceService, org: dict[str, str]) -> None:
    newcomer = service.add_person("New Hire", "new@example.org", {Role.AUTHOR})
    post = service.create_post(newcomer.id, "Flu shots Saturday!", [org["account"]])
    with pytest.raises(OperationError, match="not completed the social media privacy training"):
        service.submit_post(post.id, newcomer.id)


def test_revocation_blocks_scheduled_and_lists_published(
    service: ComplianceService, org: dict[str, str], clock: Clock
) -> None:
    ids = []
    for caption in ("Robin's story, part 1", "Robin's story, part 2"):
        post = service.create_post(
            org["author"], caption, [org["account"]], authorization_ids=[org["auth"]]
        )
        service.submit_post(post.id, org["author"])
        service.review_post(post.id, org["reviewer"], "approve")
        ids.append(post.id)
    service.schedule_post(ids[0], clock.now + timedelta(days=2), org["author"])
    row = service.session.get(PostRow, ids[1])
    assert row is not None
    row.state = PostState.PUBLISHED.value  # published by the publisher
    effect = service.revoke_authorization(org["auth"], org["po"], "letter", org["po"])
    assert effect.blocked_post_ids == (ids[0],) and effect.takedown_post_ids == (ids[1],)
    assert service.post(ids[0]).state is PostState.IN_REVIEW
    assert not service.gate(ids[0]).allowed


def test_separation_of_duties(service: ComplianceService, org: dict[str, str]) -> None:
    both = service.add_person("Sam Both", "sam@example.org", {Role.AUTHOR, Role.REVIEWER})
    service.record_training(
        TrainingCompletion(both.id, "social-media-privacy", date(2026, 2, 1), 90, "1")
    )
    post = service.create_post(both.id, "Wash your hands!", [org["account"]])
    service.submit_post(post.id, both.id)
    with pytest.raises(OperationError, match="separation of duties"):
        service.review_post(post.id, both.id, "approve")
    account = service.request_account("tiktok", "@cr", org["po"], org["po"])
    with pytest.raises(OperationError, match="separation of duties"):
        service.decide_account(account.id, True, org["po"])


def test_patient_data_and_post_text_are_encrypted_at_rest(
    service: ComplianceService, org: dict[str, str]
) -> None:
    service.create_post(org["author"], "Robin Example went home", [org["account"]])
    service.session.flush()
    raw = service.session.execute(text("SELECT details_sealed FROM patients")).scalar_one()
    assert b"Robin Example" not in bytes(raw)
    stored = service.session.scalars(select(AuthorizationRow)).one()
    assert b"Robin Example" not in bytes(stored.record_sealed)
    assert b"%PDF-1.4 signed" not in bytes(stored.form_sealed or b"")
    assert all(
        b"Robin Example" not in bytes(r.content_sealed)
        for r in service.session.scalars(select(PostRow))
    )
    assert service.patient_details(org["patient"])["name"] == "Robin Example"
    assert service.authorization_form(org["auth"]) == (
        b"%PDF-1.4 signed",
        "application/octet-stream",
    )


def test_key_rotation(service: ComplianceService, org: dict[str, str]) -> None:
    from phigate.service import rotate_keys

    newer = new_key()
    rotated = Vault([newer, *service.vault.keys])
    service.vault = rotated
    assert rotate_keys(service.session, rotated) >= 3
    service.vault = Vault([newer])
    assert service.patient_details(org["patient"])["name"] == "Robin Example"


def test_audit_tampering_is_detected_in_the_database(
    service: ComplianceService, org: dict[str, str]
) -> None:
    assert service.verify_audit() == []
    service.session.execute(text("UPDATE audit_entries SET action = 'post.approved' WHERE seq = 3"))
    problems = service.verify_audit()
    assert problems and problems[0].seq == 3 and problems[0].kind == "altered"


def test_audit_export_and_retention(
    service: ComplianceService, org: dict[str, str], clock: Clock
) -> None:
    lines = service.export_audit("jsonl").splitlines()
    assert len(lines) == len(service.audit_entries())
    assert "Robin" not in service.export_audit("jsonl") + service.export_audit("csv")
    with pytest.raises(OperationError, match="six years"):
        service.purge_audit(clock.now, org["po"])
    clock.now = clock.now.replace(year=2033)
    removed = service.purge_audit(datetime(2026, 12, 31, tzinfo=UTC), org["po"])
    assert removed > 0
    assert service.verify_audit() == []


def test_lms_import_reports_bad_rows(service: ComplianceService, org: dict[str, str]) -> None:
    imported, problems = service.import_training(
        "email,course,completed_on,score,policy_version\n"
        "riley@example.org,social-media-privacy,2026-03-01,95,1\n"
        "ghost@example.org,social-media-privacy,2026-03-01,95,1\n"
    )
    assert imported == 1 and [p.line for p in problems] == [3]
    assert service.training(org["reviewer"]).may_post
