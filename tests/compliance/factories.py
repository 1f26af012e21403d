"""Invented people, accounts, authorizations and posts for the compliance tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from phigate.compliance.accounts import AccountStatus, SocialAccount
from phigate.compliance.authorizations import Authorization, ContentKind, InformationItem
from phigate.compliance.gate import GateInput
from phigate.compliance.people import Person, Role
from phigate.compliance.posts import Approval, Post, PostState, ScanRecord
from phigate.compliance.training import TrainingCompletion, TrainingPolicy, training_status

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; services take it in place of datetime.now."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


TODAY = NOW.date()
POLICY = TrainingPolicy()

AUTHOR = Person("p-author", "Avery Author", "avery@example.org", frozenset({Role.AUTHOR}))
REVIEWER = Person("p-reviewer", "Riley Reviewer", "riley@example.org", frozenset({Role.REVIEWER}))
INSTAGRAM = SocialAccount(
    "a-ig", "instagram", "@cedarridge", "p-author", AccountStatus.ACTIVE, "p-author", "p-po"
)
TIKTOK = SocialAccount(
    "a-tt", "tiktok", "@cedarridge", "p-author", AccountStatus.ACTIVE, "p-author", "p-po"
)


def authorization(**changes: Any) -> Authorization:
    valid = Authorization(
        id="auth-1",
        patient_id="pt-1",
        information_description="First name, one photo and the story of knee surgery recovery",
        information_items=frozenset(
            {InformationItem.FIRST_NAME, InformationItem.PHOTO, InformationItem.STORY}
        ),
        disclosing_party="Cedar Ridge Medical Center, Marketing Department",
        recipients="The public, through Cedar Ridge's Instagram and Facebook accounts",
        purposes=("Promotion of Cedar Ridge orthopedic services on social media",),
        expires_on=date(2027, 1, 1),
        expiration_event=None,
        expiration_event_occurred=False,
        signed_by="Robin Patient",
        signed_on=date(2026, 5, 1),
        signer_is_representative=False,
        representative_authority=None,
        states_right_to_revoke=True,
        states_conditioning=True,
        states_redisclosure=True,
        marketing=True,
        third_party_remuneration=False,
        remuneration_statement=None,
        standalone_document=True,
        platforms=frozenset({"instagram", "facebook"}),
        content_kinds=frozenset({ContentKind.POST, ContentKind.PHOTO}),
    )
    return replace(valid, **changes)


def trained(on: date = date(2026, 1, 10), version: str = "1") -> list[TrainingCompletion]:
    return [TrainingCompletion(AUTHOR.id, POLICY.course_id, on, 92, version)]


def approved_post(**changes: Any) -> Post:
    post = Post(
        id="post-1",
        author_id=AUTHOR.id,
        text="Meet Robin, back on the trail six weeks after knee surgery!",
        state=PostState.APPROVED,
        account_ids=(INSTAGRAM.id,),
        authorization_ids=("auth-1",),
    )
    post = replace(post, **changes)
    post = replace(
        post,
        scan=post.scan or ScanRecord(post.content_hash, "block", ("NAME", "DATE"), NOW),
        approval=post.approval or Approval(REVIEWER.id, post.content_hash, NOW),
    )
    return post


def gate_input(post: Post | None = None, **changes: Any) -> GateInput:
    given = GateInput(
        post=post or approved_post(),
        author=AUTHOR,
        author_training=training_status(trained(), POLICY, TODAY),
        accounts={INSTAGRAM.id: INSTAGRAM, TIKTOK.id: TIKTOK},
        posting_rights=frozenset({(AUTHOR.id, INSTAGRAM.id), (AUTHOR.id, TIKTOK.id)}),
        authorizations={"auth-1": authorization()},
        reviewer=REVIEWER,
        now=NOW,
    )
    return replace(given, **changes)
