"""The gate: whether a post may be published now, and every reason it may not.

It runs at approval and again at publishing time, against the state of the world at that moment:
training can lapse, authorizations can expire or be revoked, accounts can be suspended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from phigate.compliance.accounts import AccountStatus, SocialAccount
from phigate.compliance.attachments import (
    Attachment,
    attachment_problems,
    identifying_attachments,
    media_content_kinds,
)
from phigate.compliance.authorizations import Authorization, check_validity
from phigate.compliance.people import Person, Role
from phigate.compliance.posts import Post
from phigate.compliance.rules import Finding
from phigate.compliance.training import TrainingStatus


class ReviewPolicy(StrEnum):
    ALWAYS = "always"  # every post needs a second person's approval
    WHEN_FLAGGED = "when_flagged"  # only posts the scanner flags for review or block


@dataclass(frozen=True)
class GatePolicy:
    review: ReviewPolicy = ReviewPolicy.ALWAYS


@dataclass(frozen=True)
class GateInput:
    post: Post
    author: Person
    author_training: TrainingStatus
    accounts: dict[str, SocialAccount]
    posting_rights: frozenset[tuple[str, str]]  # (person id, account id)
    authorizations: dict[str, Authorization]
    reviewer: Person | None
    now: datetime
    policy: GatePolicy = GatePolicy()
    attachments: tuple[Attachment, ...] = ()  # in the post's order


@dataclass(frozen=True)
class GateDecision:
    allowed: bool
    reasons: tuple[Finding, ...]


_POLICY = "45 CFR 164.530(i)"  # the organization's written social media policy


def evaluate_gate(given: GateInput) -> GateDecision:
    post, author = given.post, given.author
    today: date = given.now.date()
    reasons: list[Finding] = []
    if not author.has(Role.AUTHOR):
        reasons.append(
            Finding("NOT_AN_AUTHOR", "The author does not hold the author role.", _POLICY)
        )
    if not given.author_training.may_post and given.author_training.finding:
        reasons.append(given.author_training.finding)
    if not post.account_ids:
        reasons.append(Finding("NO_ACCOUNT", "The post has no target account.", _POLICY))
    for account_id in post.account_ids:
        account = given.accounts.get(account_id)
        if account is None:
            reasons.append(
                Finding("UNKNOWN_ACCOUNT", f"Account {account_id} is not registered.", _POLICY)
            )
            continue
        if account.status is not AccountStatus.ACTIVE:
            reasons.append(
                Finding(
                    "ACCOUNT_NOT_ACTIVE",
                    f"The {account.platform} account {account.handle} is {account.status.value}, "
                    "not approved and active.",
                    _POLICY,
                )
            )
        if (author.id, account_id) not in given.posting_rights:
            reasons.append(
                Finding(
                    "NO_POSTING_RIGHTS",
                    f"The author has no posting rights on {account.platform} {account.handle}.",
                    _POLICY,
                )
            )
    scan = post.scan
    shown = identifying_attachments(given.attachments)
    if scan is None or scan.content_hash != post.content_hash:
        reasons.append(
            Finding(
                "SCAN_NOT_CURRENT",
                "The final content has not been scanned since its last change; scan it again.",
                "45 CFR 164.514(b)(2)",
            )
        )
    elif (scan.verdict in ("block", "review") or shown) and not post.authorization_ids:
        # The attachments' own verdicts count even if a scan record somehow missed them.
        types = dict.fromkeys(
            (*scan.identifier_types, *(t for a in shown for t in a.identifier_types))
        )
        where = f" in the text or in the {', '.join(a.label for a in shown)}" if shown else ""
        reasons.append(
            Finding(
                "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION",
                "The scan found details that identify a patient ("
                + ", ".join(types)
                + f"){where}, and no patient authorization is linked: remove them or link one.",
                "45 CFR 164.508(a)(1)",
            )
        )
    reasons += attachment_problems(given.attachments)
    # An authorization for a written story does not cover a photograph of the patient.
    kinds = post.content_kinds | media_content_kinds(shown)
    for authorization_id in post.authorization_ids:
        auth = given.authorizations.get(authorization_id)
        if auth is None:
            reasons.append(
                Finding(
                    "UNKNOWN_AUTHORIZATION",
                    f"Authorization {authorization_id} is not on file.",
                    "45 CFR 164.508(b)(6)",
                )
            )
            continue
        platforms = {given.accounts[a].platform for a in post.account_ids if a in given.accounts}
        targets: list[str | None] = [*sorted(platforms)] or [None]
        for platform in targets:
            for defect in check_validity(auth, today=today, platform=platform, content_kinds=kinds):
                reasons.append(
                    Finding(
                        defect.code,
                        f"Authorization {authorization_id}: {defect.message}",
                        defect.citation,
                    )
                )
    needs_review = given.policy.review is ReviewPolicy.ALWAYS or (
        scan is not None and scan.verdict != "allow"
    )
    approval = post.approval
    if needs_review:
        if approval is None:
            reasons.append(
                Finding("NOT_APPROVED", "A reviewer has not approved the post.", _POLICY)
            )
        else:
            if approval.reviewer_id == author.id:
                reasons.append(
                    Finding(
                        "SELF_APPROVED",
                        "The author approved their own post; a different reviewer must approve it.",
                        _POLICY + " (separation of duties)",
                    )
                )
            if given.reviewer is None or not given.reviewer.has(Role.REVIEWER):
                reasons.append(
                    Finding(
                        "APPROVER_NOT_REVIEWER",
                        "The approver does not hold the reviewer role.",
                        _POLICY,
                    )
                )
            if approval.content_hash != post.content_hash:
                reasons.append(
                    Finding(
                        "APPROVAL_STALE",
                        "The post changed after it was approved; it must be reviewed again.",
                        _POLICY,
                    )
                )
    unique = tuple(dict.fromkeys(reasons))
    return GateDecision(not unique, unique)
