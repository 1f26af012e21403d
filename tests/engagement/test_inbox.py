"""Importing reviews, flagging self-disclosure, and a staff reply going through the gate: both databases."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from phigate.compliance.people import Role
from phigate.compliance.posts import PostState
from phigate.engagement.operations import EngagementOperations
from phigate.scanning.profile import OrganizationProfile
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory

EXPORT = (
    "platform,kind,author,text,external_id,received_at,rating\n"
    "google,review,Maria L.,My hip surgery on March 3 went great thanks to the nurses,g-1,2026-03-10T10:00:00+00:00,5\n"
    "google,review,Sam,Parking was easy,g-2,2026-03-11T10:00:00+00:00,4\n"
    "google,tweet,Sam,hello,g-3,,\n"
    "google,review,,no author,g-4,,\n"
    "google,review,Ana,Great,g-5,,9\n"
)


@pytest.fixture
def ops(engine: Engine) -> Iterator[EngagementOperations]:
    migrate(engine)
    with session_factory(engine)() as session:
        service = ComplianceService(session, Vault([new_key()]))
        yield EngagementOperations(service, OrganizationProfile(phones=("555-0100",)))
        session.rollback()


def test_import_flags_and_reports_bad_rows(ops: EngagementOperations) -> None:
    imported, problems = ops.import_export(EXPORT, "csv", "p-system")
    assert imported == 2
    assert [(p.line, p.message) for p in problems] == [
        (4, "kind must be one of comment, review, mention, reply"),
        (5, "missing author"),
        (6, "rating must be a whole number from 1 to 5"),
    ]
    assert (
        ops.import_export(EXPORT, "csv", "p-system")[0] == 0
    )  # the same export twice adds nothing
    flagged = {i.author: i.self_disclosure for i in ops.inbox()}
    assert flagged == {"Maria L.": True, "Sam": False}


def test_a_reply_is_scanned_with_the_comment_and_gated(ops: EngagementOperations) -> None:
    from datetime import date

    from phigate.compliance.training import TrainingCompletion

    service = ops.service
    author = service.add_person("Avery", "avery@example.org", {Role.AUTHOR})
    service.record_training(
        TrainingCompletion(author.id, "social-media-privacy", date.today(), 95, "1")
    )
    ops.import_export(EXPORT, "csv", author.id)
    maria = next(i for i in ops.inbox() if i.author == "Maria L.")
    bad = ops.reply(maria.id, author.id, "So glad your hip surgery went well!", [])
    post, _ = service.submit_post(bad.id, author.id)
    assert (
        post.state is PostState.IN_REVIEW and post.scan is not None and post.scan.verdict == "block"
    )
    assert "CONFIRMS_PATIENT" in post.scan.identifier_types
    assert ops.item(maria.id).status == "replied"
    good = ops.reply(maria.id, author.id, ops.drafts(maria.id)[0].text, [])
    post, _ = service.submit_post(good.id, author.id)
    assert post.scan is not None and post.scan.verdict == "allow"
