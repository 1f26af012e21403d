from dataclasses import replace
from datetime import date

from phigate.compliance.accounts import AccountStatus
from phigate.compliance.gate import GatePolicy, ReviewPolicy, evaluate_gate
from phigate.compliance.posts import Approval, ScanRecord
from phigate.compliance.training import training_status
from tests.compliance.factories import (
    AUTHOR,
    INSTAGRAM,
    NOW,
    POLICY,
    TIKTOK,
    TODAY,
    approved_post,
    authorization,
    gate_input,
    trained,
)


def codes(given) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.code for r in evaluate_gate(given).reasons}


def test_everything_in_order_passes() -> None:
    decision = evaluate_gate(gate_input())
    assert decision.allowed, decision.reasons


def test_untrained_author_is_refused_with_the_reason() -> None:
    lapsed = training_status(trained(on=date(2025, 6, 1)), POLICY, TODAY)
    decision = evaluate_gate(gate_input(author_training=lapsed))
    assert not decision.allowed
    reason = next(r for r in decision.reasons if r.code == "TRAINING_LAPSED")
    assert "expired on 2026-06-01" in reason.message and "164.530(b)" in reason.citation


def test_no_posting_rights_and_suspended_account() -> None:
    suspended = replace(INSTAGRAM, status=AccountStatus.SUSPENDED)
    given = gate_input(accounts={INSTAGRAM.id: suspended}, posting_rights=frozenset())
    assert {"ACCOUNT_NOT_ACTIVE", "NO_POSTING_RIGHTS"} <= codes(given)


def test_authorization_scope_must_cover_every_target_platform() -> None:
    post = approved_post(account_ids=(INSTAGRAM.id, TIKTOK.id))
    assert codes(gate_input(post)) == {"SCOPE_PLATFORM"}


def test_identifying_post_without_authorization() -> None:
    post = approved_post(authorization_ids=())
    assert codes(gate_input(post)) == {"IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION"}


def test_stale_scan_and_stale_approval_after_an_edit() -> None:
    post = approved_post()
    edited = replace(post, text=post.text + " #knees")
    assert {"SCAN_NOT_CURRENT", "APPROVAL_STALE"} <= codes(gate_input(edited))


def test_author_cannot_approve_their_own_post() -> None:
    post = approved_post()
    post = replace(post, approval=Approval(AUTHOR.id, post.content_hash, NOW))
    assert "SELF_APPROVED" in codes(gate_input(post, reviewer=AUTHOR))


def test_review_only_when_flagged_policy() -> None:
    post = approved_post(authorization_ids=())
    post = replace(post, scan=ScanRecord(post.content_hash, "allow", (), NOW), approval=None)
    policy = GatePolicy(review=ReviewPolicy.WHEN_FLAGGED)
    assert evaluate_gate(gate_input(post, policy=policy)).allowed
    assert "NOT_APPROVED" in codes(gate_input(post))


def test_expired_authorization_blocks_at_publish_time() -> None:
    expired = authorization(expires_on=date(2026, 6, 14))
    assert "EXPIRED" in codes(gate_input(authorizations={"auth-1": expired}))
