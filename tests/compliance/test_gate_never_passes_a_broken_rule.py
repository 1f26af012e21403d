"""A stateful property test: whatever happens to a post, its author, its patient's authorization and
its account, in any order and as the clock moves, the gate never lets the post through while a rule
is broken. The oracle below restates the rules independently of the gate's code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from phigate.compliance.accounts import AccountStatus
from phigate.compliance.attachments import Attachment
from phigate.compliance.authorizations import ContentKind, Revocation
from phigate.compliance.gate import GateInput, evaluate_gate
from phigate.compliance.posts import Approval, Post, PostState, ScanRecord
from phigate.compliance.training import TrainingCompletion, add_months, training_status
from tests.compliance.factories import AUTHOR, INSTAGRAM, POLICY, REVIEWER, TIKTOK, authorization


class GateMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(2026, 6, 15, 10, tzinfo=UTC)
        self.completions = [
            TrainingCompletion(AUTHOR.id, POLICY.course_id, date(2026, 1, 10), 92, "1")
        ]
        self.auth = authorization()
        self.accounts = {INSTAGRAM.id: INSTAGRAM, TIKTOK.id: TIKTOK}
        self.rights = {(AUTHOR.id, INSTAGRAM.id)}
        self.post = Post(
            "post-1", AUTHOR.id, "Meet Robin!", PostState.IN_REVIEW, account_ids=(INSTAGRAM.id,)
        )
        self.attachments: tuple[Attachment, ...] = ()

    @rule(
        media=st.sampled_from(
            ["clean photo", "face photo", "face video", "unscanned", "unreadable"]
        )
    )
    def attach(self, media: str) -> None:
        position = len(self.attachments) + 1
        media_id = f"{position:064d}"
        kind = "video/mp4" if "video" in media else "image/jpeg"
        verdict = {"clean photo": "allow", "unscanned": None, "unreadable": None}.get(
            media, "block"
        )
        error = "the file is truncated" if media == "unreadable" else None
        types = ("FACE",) if "face" in media else ()
        self.attachments += (Attachment(media_id, kind, 1000, position, verdict, types, error),)
        self.post = replace(self.post, media_hashes=tuple(a.id for a in self.attachments))

    @rule()
    def remove_media(self) -> None:
        self.attachments = ()
        self.post = replace(self.post, media_hashes=())

    @rule(kinds=st.sampled_from([(ContentKind.POST,), (ContentKind.POST, ContentKind.PHOTO),
                                 (ContentKind.POST, ContentKind.PHOTO, ContentKind.VIDEO)]))  # fmt: skip
    def authorization_covers(self, kinds: tuple[ContentKind, ...]) -> None:
        self.auth = replace(self.auth, content_kinds=frozenset(kinds))

    @rule(text=st.sampled_from(["Meet Robin!", "Meet Robin, day 2", "Flu shots Saturday"]))
    def edit(self, text: str) -> None:
        self.post = replace(self.post, text=text)

    @rule(verdict=st.sampled_from(["allow", "review", "block"]))
    def scan(self, verdict: str) -> None:
        self.post = replace(
            self.post, scan=ScanRecord(self.post.content_hash, verdict, ("NAME",), self.now)
        )

    @rule(by_author=st.booleans())
    def approve(self, by_author: bool) -> None:
        reviewer = AUTHOR if by_author else REVIEWER
        self.post = replace(
            self.post, approval=Approval(reviewer.id, self.post.content_hash, self.now)
        )

    @rule(linked=st.booleans())
    def link_authorization(self, linked: bool) -> None:
        self.post = replace(self.post, authorization_ids=("auth-1",) if linked else ())

    @rule()
    def revoke(self) -> None:
        self.auth = self.auth.revoke(Revocation(self.now, "p-po", "letter"))

    @rule(days=st.integers(min_value=1, max_value=400))
    def clock_moves(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule()
    def retrain(self) -> None:
        self.completions.append(
            TrainingCompletion(AUTHOR.id, POLICY.course_id, self.now.date(), 90, "1")
        )

    @rule(status=st.sampled_from(list(AccountStatus)))
    def account_status(self, status: AccountStatus) -> None:
        self.accounts[INSTAGRAM.id] = replace(INSTAGRAM, status=status)

    @rule(tiktok=st.booleans())
    def targets(self, tiktok: bool) -> None:
        self.post = replace(
            self.post, account_ids=(INSTAGRAM.id, TIKTOK.id) if tiktok else (INSTAGRAM.id,)
        )

    @invariant()
    def gate_allows_only_when_every_rule_holds(self) -> None:
        decision = evaluate_gate(
            GateInput(
                self.post, AUTHOR, training_status(self.completions, POLICY, self.now.date()),
                dict(self.accounts), frozenset(self.rights), {"auth-1": self.auth},
                REVIEWER if self.post.approval and self.post.approval.reviewer_id == REVIEWER.id else AUTHOR,
                self.now, attachments=self.attachments,
            )
        )  # fmt: skip
        if decision.allowed:
            assert self._every_rule_holds(), decision
        else:
            assert decision.reasons  # a refusal always says why

    def _every_rule_holds(self) -> bool:
        today = self.now.date()
        latest = max(c.completed_on for c in self.completions)
        trained = today < add_months(latest, 12)
        accounts_ok = all(
            self.accounts[a].status is AccountStatus.ACTIVE and (AUTHOR.id, a) in self.rights
            for a in self.post.account_ids
        )
        scan = self.post.scan
        scanned = scan is not None and scan.content_hash == self.post.content_hash
        identifying = [a for a in self.attachments if a.verdict in ("review", "block")]
        media_ok = all(a.verdict is not None and a.error is None for a in self.attachments)
        needs_auth = (scan is not None and scan.verdict != "allow") or bool(identifying)
        shown = {ContentKind.VIDEO if a.media_type.startswith("video/") else ContentKind.PHOTO
                 for a in identifying}  # fmt: skip
        platforms = {self.accounts[a].platform for a in self.post.account_ids}
        auth_ok = (
            self.auth.revocation is None
            and (self.auth.expires_on is None or today <= self.auth.expires_on)
            and platforms <= self.auth.platforms
            and (self.post.content_kinds | shown) <= self.auth.content_kinds
        )
        authorized = not self.post.authorization_ids or auth_ok
        if needs_auth and not self.post.authorization_ids:
            authorized = False
        approval = self.post.approval
        reviewed = (
            approval is not None
            and approval.reviewer_id != AUTHOR.id
            and approval.content_hash == self.post.content_hash
        )
        return trained and accounts_ok and scanned and authorized and reviewed and media_ok


GateMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
test_gate_never_passes_a_broken_rule = GateMachine.TestCase
