"""The operations the CLI and the web app call: each one loads domain objects, applies the
compliance rules, saves the result and appends to the audit trail in the same transaction.

Errors are `OperationError`s whose message a person can act on; they never carry post text or
patient data.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from phigate.compliance import audit
from phigate.compliance.accounts import AccountStatus, SocialAccount
from phigate.compliance.attachments import Attachment, combined_verdict
from phigate.compliance.authorizations import (
    Authorization,
    ContentKind,
    Expiring,
    InformationItem,
    Revocation,
    RevocationEffect,
    check_validity,
    expiring,
)
from phigate.compliance.gate import GateDecision, GateInput, GatePolicy, evaluate_gate
from phigate.compliance.people import Person, Role
from phigate.compliance.posts import Approval, Post, PostState, ScanRecord, TransitionError
from phigate.compliance.rules import Finding
from phigate.compliance.training import (
    RowProblem,
    TrainingCompletion,
    TrainingPolicy,
    TrainingStatus,
    parse_lms_export,
    training_status,
)
from phigate.scanning import Scanner
from phigate.storage.crypto import Vault
from phigate.storage.models import (
    AccountRow,
    AuditAnchorRow,
    AuditRow,
    AuthorizationRow,
    Base,
    MediaRow,
    PatientRow,
    PersonRow,
    PostingRightRow,
    PostRow,
    TrainingRow,
)


class OperationError(ValueError):
    """An operation that cannot be done; the message says why in plain words."""


Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything phigate stores is UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class ComplianceService:
    session: Session
    vault: Vault
    clock: Clock = _now
    training_policy: TrainingPolicy = field(default_factory=TrainingPolicy)
    gate_policy: GatePolicy = field(default_factory=GatePolicy)
    scanner: Scanner | None = None

    # ------------------------------------------------------------------ audit trail
    def record(
        self, actor: str | None, action: str, subject_type: str, subject_id: str, **details: Any
    ) -> audit.AuditEntry:
        last = self.session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        previous = _entry(last) if last else None
        if previous is None:
            anchor = self.session.scalars(select(AuditAnchorRow)).first()
            if anchor is not None:
                previous = audit.AuditEntry(
                    anchor.seq, self.clock(), None, "", "", "", {}, "", anchor.hash
                )
        entry = audit.chain(
            previous,
            at=self.clock(),
            actor_id=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details,
        )
        self.session.add(
            AuditRow(
                seq=entry.seq, at=entry.at, actor_id=entry.actor_id, action=entry.action,
                subject_type=entry.subject_type, subject_id=entry.subject_id, details=entry.details,
                prev_hash=entry.prev_hash, hash=entry.hash,
            )
        )  # fmt: skip
        self.session.flush()
        return entry

    def audit_entries(self) -> list[audit.AuditEntry]:
        return [_entry(r) for r in self.session.scalars(select(AuditRow).order_by(AuditRow.seq))]

    def verify_audit(self) -> list[audit.ChainProblem]:
        anchor_row = self.session.scalars(select(AuditAnchorRow)).first()
        anchor = None
        if anchor_row is not None:
            anchor = audit.AuditEntry(
                anchor_row.seq, self.clock(), None, "", "", "", {}, "", anchor_row.hash
            )
        rows = self.session.scalars(select(AuditRow).order_by(AuditRow.at, AuditRow.seq))
        return audit.verify([_entry(r) for r in rows], anchor)

    def export_audit(self, fmt: str) -> str:
        entries = self.audit_entries()
        if fmt == "jsonl":
            return "".join(json.dumps(_entry_dict(e), sort_keys=True) + "\n" for e in entries)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(
                [
                    "seq",
                    "at",
                    "actor",
                    "action",
                    "subject_type",
                    "subject_id",
                    "details",
                    "prev_hash",
                    "hash",
                ]
            )
            for e in entries:
                d = _entry_dict(e)
                writer.writerow(
                    [
                        d["seq"],
                        d["at"],
                        d["actor"],
                        d["action"],
                        d["subject_type"],
                        d["subject_id"],
                        json.dumps(d["details"], sort_keys=True),
                        d["prev_hash"],
                        d["hash"],
                    ]
                )
            return out.getvalue()
        raise OperationError(f"unknown export format {fmt!r}: use jsonl or csv")

    def purge_audit(self, before: datetime, actor: str) -> int:
        """Remove entries older than `before`, refused inside the six-year retention period."""
        try:
            audit.check_purge(before, self.clock())
        except audit.RetentionError as error:
            raise OperationError(str(error)) from None
        old = list(
            self.session.scalars(
                select(AuditRow).where(AuditRow.at < before).order_by(AuditRow.seq)
            )
        )
        if not old:
            return 0
        self.session.execute(delete(AuditAnchorRow))
        self.session.add(AuditAnchorRow(id=1, seq=old[-1].seq, hash=old[-1].hash))
        for row in old:
            self.session.delete(row)
        self.session.flush()
        self.record(actor, "audit.purged", "audit", str(old[-1].seq), entries=len(old))
        return len(old)

    # ------------------------------------------------------------------ people and training
    def add_person(
        self, name: str, email: str, roles: set[Role], actor: str | None = None
    ) -> Person:
        email = email.strip().lower()
        if not name.strip() or "@" not in email:
            raise OperationError("a person needs a name and a valid email address")
        if self.session.scalars(select(PersonRow).where(PersonRow.email == email)).first():
            raise OperationError(f"someone with email {email} already exists")
        person = Person(new_id("p"), name.strip(), email, frozenset(roles))
        self.session.add(
            PersonRow(
                id=person.id, name=person.name, email=email, roles=_roles(person.roles), active=True
            )
        )
        self.record(
            actor, "person.added", "person", person.id, roles=sorted(r.value for r in roles)
        )
        return person

    def person(self, person_id: str) -> Person:
        row = self.session.get(PersonRow, person_id)
        if row is None:
            raise OperationError(f"no person with id {person_id}")
        return _person(row)

    def person_by_email(self, email: str) -> Person:
        row = self.session.scalars(
            select(PersonRow).where(PersonRow.email == email.strip().lower())
        ).first()
        if row is None:
            raise OperationError(f"no person with email {email}")
        return _person(row)

    def people(self) -> list[Person]:
        return [
            _person(r) for r in self.session.scalars(select(PersonRow).order_by(PersonRow.name))
        ]

    def record_training(self, completion: TrainingCompletion, actor: str | None = None) -> None:
        self.person(completion.person_id)
        self.session.add(
            TrainingRow(
                person_id=completion.person_id, course_id=completion.course_id,
                completed_on=completion.completed_on, score=completion.score,
                attested_policy_version=completion.attested_policy_version,
            )
        )  # fmt: skip
        self.record(
            actor,
            "training.recorded",
            "person",
            completion.person_id,
            course=completion.course_id,
            score=completion.score,
        )

    def import_training(
        self, content: str, actor: str | None = None
    ) -> tuple[int, list[RowProblem]]:
        known = {r.email: r.id for r in self.session.scalars(select(PersonRow))}
        rows, problems = parse_lms_export(content, known)
        imported = 0
        for row in rows:
            exists = self.session.scalars(
                select(TrainingRow).where(
                    TrainingRow.person_id == row.completion.person_id,
                    TrainingRow.course_id == row.completion.course_id,
                    TrainingRow.completed_on == row.completion.completed_on,
                )
            ).first()
            if exists:
                continue
            self.record_training(row.completion, actor)
            imported += 1
        self.record(
            actor, "training.imported", "training", "lms", imported=imported, rejected=len(problems)
        )
        return imported, problems

    def training(self, person_id: str, today: date | None = None) -> TrainingStatus:
        """The person's training status on `today` (default: the service clock's date)."""
        rows = self.session.scalars(select(TrainingRow).where(TrainingRow.person_id == person_id))
        completions = [
            TrainingCompletion(
                r.person_id, r.course_id, r.completed_on, r.score, r.attested_policy_version
            )
            for r in rows
        ]
        return training_status(completions, self.training_policy, today or self.clock().date())

    # ------------------------------------------------------------------ accounts
    def request_account(
        self, platform: str, handle: str, owner_id: str, actor: str
    ) -> SocialAccount:
        self.person(owner_id)
        account = SocialAccount(
            new_id("acct"), platform.lower(), handle, owner_id, AccountStatus.REQUESTED, actor
        )
        self.session.add(
            AccountRow(
                id=account.id,
                platform=account.platform,
                handle=handle,
                owner_id=owner_id,
                status=account.status.value,
                requested_by=actor,
            )
        )
        self.record(actor, "account.requested", "account", account.id, platform=account.platform)
        return account

    def decide_account(self, account_id: str, approve: bool, actor: str) -> SocialAccount:
        approver = self.person(actor)
        if not approver.has(Role.PRIVACY_OFFICER):
            raise OperationError("only a privacy officer may approve or reject a social account")
        row = self._account_row(account_id)
        if row.requested_by == actor:
            raise OperationError(
                "the person who requested an account cannot approve it (separation of duties)"
            )
        if row.status != AccountStatus.REQUESTED.value:
            raise OperationError(f"the account is {row.status}, not awaiting approval")
        row.status = (AccountStatus.ACTIVE if approve else AccountStatus.REJECTED).value
        row.approved_by = actor if approve else None
        self.record(
            actor, "account.approved" if approve else "account.rejected", "account", account_id
        )
        return _account(row)

    def suspend_account(self, account_id: str, actor: str) -> SocialAccount:
        if not self.person(actor).has(Role.PRIVACY_OFFICER) and not self.person(actor).has(
            Role.ADMIN
        ):
            raise OperationError("only a privacy officer or an admin may suspend an account")
        row = self._account_row(account_id)
        row.status = AccountStatus.SUSPENDED.value
        self.record(actor, "account.suspended", "account", account_id)
        return _account(row)

    def grant_posting_rights(self, person_id: str, account_id: str, actor: str) -> None:
        self.person(person_id)
        self._account_row(account_id)
        if self.session.get(PostingRightRow, (person_id, account_id)) is None:
            self.session.add(PostingRightRow(person_id=person_id, account_id=account_id))
            self.record(actor, "rights.granted", "account", account_id, person=person_id)

    def revoke_posting_rights(self, person_id: str, account_id: str, actor: str) -> None:
        row = self.session.get(PostingRightRow, (person_id, account_id))
        if row is not None:
            self.session.delete(row)
            self.record(actor, "rights.revoked", "account", account_id, person=person_id)

    def accounts(self) -> list[SocialAccount]:
        return [
            _account(r)
            for r in self.session.scalars(select(AccountRow).order_by(AccountRow.platform))
        ]

    def _account_row(self, account_id: str) -> AccountRow:
        row = self.session.get(AccountRow, account_id)
        if row is None:
            raise OperationError(f"no social account with id {account_id}")
        return row

    # ------------------------------------------------------------------ patients and authorizations
    def add_patient(self, name: str, actor: str, **details: str) -> str:
        patient_id = new_id("pt")
        self.session.add(
            PatientRow(id=patient_id, details_sealed=self.vault.seal({"name": name, **details}))
        )
        self.record(actor, "patient.added", "patient", patient_id)
        return patient_id

    def patient_details(self, patient_id: str) -> dict[str, str]:
        row = self.session.get(PatientRow, patient_id)
        if row is None:
            raise OperationError(f"no patient with id {patient_id}")
        details: dict[str, str] = self.vault.open(row.details_sealed)
        return details

    def record_authorization(
        self,
        auth: Authorization,
        actor: str,
        form: bytes | None = None,
        form_media_type: str | None = None,
    ) -> Authorization:
        if self.session.get(PatientRow, auth.patient_id) is None:
            raise OperationError(f"no patient with id {auth.patient_id}")
        if form is not None:
            import hashlib

            auth = replace(auth, form_sha256=hashlib.sha256(form).hexdigest())
        self.session.add(
            AuthorizationRow(
                id=auth.id, patient_id=auth.patient_id, expires_on=auth.expires_on, revoked_at=None,
                record_sealed=self.vault.seal(_auth_to_json(auth)),
                form_sealed=self.vault.encrypt(form) if form is not None else None,
                form_media_type=form_media_type, created_at=self.clock(),
            )
        )  # fmt: skip
        defects = check_validity(auth, today=self.clock().date())
        self.record(
            actor,
            "authorization.recorded",
            "authorization",
            auth.id,
            patient=auth.patient_id,
            defects=[d.code for d in defects],
        )
        return auth

    def authorization(self, authorization_id: str) -> Authorization:
        row = self.session.get(AuthorizationRow, authorization_id)
        if row is None:
            raise OperationError(f"no authorization with id {authorization_id}")
        return _auth_from_json(self.vault.open(row.record_sealed))

    def authorization_form(self, authorization_id: str) -> tuple[bytes, str] | None:
        row = self.session.get(AuthorizationRow, authorization_id)
        if row is None or row.form_sealed is None:
            return None
        return self.vault.decrypt(
            row.form_sealed
        ), row.form_media_type or "application/octet-stream"

    def authorizations(self) -> list[Authorization]:
        rows = self.session.scalars(select(AuthorizationRow).order_by(AuthorizationRow.created_at))
        return [_auth_from_json(self.vault.open(r.record_sealed)) for r in rows]

    def revoke_authorization(
        self, authorization_id: str, received_by: str, method: str, actor: str
    ) -> RevocationEffect:
        """Record a written revocation; it takes effect at once (164.508(b)(5)): every unpublished
        post relying on it is sent back for review, every published one is listed for takedown."""
        row = self.session.get(AuthorizationRow, authorization_id)
        if row is None:
            raise OperationError(f"no authorization with id {authorization_id}")
        auth = _auth_from_json(self.vault.open(row.record_sealed))
        revoked = auth.revoke(Revocation(self.clock(), received_by, method))
        row.record_sealed = self.vault.seal(_auth_to_json(revoked))
        row.revoked_at = revoked.revocation.revoked_at if revoked.revocation else None
        blocked, takedown = [], []
        for post_row in self.session.scalars(select(PostRow)):
            if authorization_id not in (post_row.authorization_ids or []):
                continue
            if post_row.state == PostState.PUBLISHED.value:
                takedown.append(post_row.id)
            elif post_row.state in (PostState.APPROVED.value, PostState.SCHEDULED.value):
                post_row.state = PostState.IN_REVIEW.value
                post_row.approved_by = post_row.approved_hash = None
                post_row.approved_at = None
                post_row.updated_at = self.clock()
                blocked.append(post_row.id)
                self.record(
                    actor,
                    "post.returned_to_review",
                    "post",
                    post_row.id,
                    reason="REVOKED",
                    authorization=authorization_id,
                )
            elif post_row.state not in (PostState.REJECTED.value, PostState.TAKEN_DOWN.value):
                blocked.append(post_row.id)
        self.record(
            actor,
            "authorization.revoked",
            "authorization",
            authorization_id,
            method=method,
            received_by=received_by,
            blocked=len(blocked),
            takedown=len(takedown),
        )
        return RevocationEffect(tuple(blocked), tuple(takedown))

    def expiring_authorizations(self, within_days: int = 30) -> list[Expiring]:
        return expiring(self.authorizations(), self.clock().date(), within_days)

    # ------------------------------------------------------------------ posts
    def create_post(
        self, author_id: str, text: str, account_ids: list[str], *, media_hashes: tuple[str, ...] = (),
        authorization_ids: list[str] | None = None, content_kinds: set[ContentKind] | None = None,
        scheduled_for: datetime | None = None, in_reply_to: str | None = None,
    ) -> Post:  # fmt: skip
        author = self.person(author_id)
        if not author.has(Role.AUTHOR):
            raise OperationError("only people with the author role can write posts")
        post = Post(
            new_id("post"), author_id, text, PostState.DRAFT, media_hashes, tuple(account_ids),
            tuple(authorization_ids or ()), frozenset(content_kinds or {ContentKind.POST}), scheduled_for,
            in_reply_to=in_reply_to,
        )  # fmt: skip
        self.session.add(self._post_row(post))
        self.record(author_id, "post.created", "post", post.id)
        return post

    def post(self, post_id: str) -> Post:
        row = self.session.get(PostRow, post_id)
        if row is None:
            raise OperationError(f"no post with id {post_id}")
        return self._post(row)

    def posts(self, state: PostState | None = None) -> list[Post]:
        query = select(PostRow).order_by(PostRow.updated_at.desc())
        if state is not None:
            query = query.where(PostRow.state == state.value)
        return [self._post(r) for r in self.session.scalars(query)]

    def edit_post(
        self, post_id: str, text: str, actor: str, media_hashes: tuple[str, ...] | None = None
    ) -> Post:
        post = self.post(post_id)
        if actor != post.author_id:
            raise OperationError("only the author can edit a post")
        try:
            edited = post.edit(
                text,
                post.media_hashes if media_hashes is None else media_hashes,
                actor,
                self.clock(),
            )
        except TransitionError as error:
            raise OperationError(str(error)) from None
        self._save(edited)
        self.record(actor, "post.edited", "post", post_id, state=edited.state.value)
        return edited

    def link_authorizations(self, post_id: str, authorization_ids: list[str], actor: str) -> Post:
        post = self.post(post_id)
        for authorization_id in authorization_ids:
            self.authorization(authorization_id)
        linked = replace(
            post,
            authorization_ids=tuple(dict.fromkeys((*post.authorization_ids, *authorization_ids))),
        )
        self._save(linked)
        self.record(
            actor,
            "post.authorizations_linked",
            "post",
            post_id,
            authorizations=list(authorization_ids),
        )
        return linked

    def scan_post(self, post_id: str) -> Post:
        post = self.post(post_id)
        scanner = self.scanner or Scanner()
        # A reply is judged with the comment it answers: confirming the commenter's care is PHI.
        if post.in_reply_to is not None:
            report = scanner.scan(post.text, "reply", post.in_reply_to)
        else:
            report = scanner.scan(post.text)
        # Attached media are scanned when uploaded (a job); their stored verdicts count here.
        attachments = self.attachments(post)
        types = tuple(
            sorted(
                {f.type.value for f in report.findings}
                | {t for a in attachments for t in a.identifier_types}
            )
        )
        verdict = combined_verdict(report.verdict.value, attachments)
        scanned = replace(post, scan=ScanRecord(post.content_hash, verdict, types, self.clock()))
        self._save(scanned)
        self.record(
            None, "post.scanned", "post", post_id, verdict=verdict, types=list(types),
            media=len(attachments),
        )  # fmt: skip
        return scanned

    def attachments(self, post: Post) -> tuple[Attachment, ...]:
        """The post's media in order, with what their scans found (types only, never content)."""
        found: list[Attachment] = []
        for position, media_id in enumerate(post.media_hashes, start=1):
            row = self.session.get(MediaRow, media_id)
            if row is None:
                found.append(
                    Attachment(media_id, "application/octet-stream", 0, position,
                               error="the file is not in phigate's media store")
                )  # fmt: skip
                continue
            found.append(attachment_of(row, position))
        return tuple(found)

    def submit_post(self, post_id: str, actor: str) -> tuple[Post, tuple[Finding, ...]]:
        """Send a draft for review; refused, with every reason, when the author may not post."""
        post = self.post(post_id)
        if actor != post.author_id:
            raise OperationError("only the author can submit their post")
        status = self.training(actor)
        if not status.may_post and status.finding is not None:
            self.record(
                actor, "post.submit_refused", "post", post_id, reasons=[status.finding.code]
            )
            raise OperationError(str(status.finding))
        post = self.scan_post(post_id)
        post = post.move(PostState.SUBMITTED, actor, self.clock()).move(
            PostState.IN_REVIEW, actor, self.clock()
        )
        self._save(post)
        decision = self.gate(post_id, ignore_review=True)
        self.record(
            actor, "post.submitted", "post", post_id, gate=[r.code for r in decision.reasons]
        )
        return post, decision.reasons

    def review_post(
        self, post_id: str, reviewer_id: str, decision: str, note: str | None = None
    ) -> tuple[Post, GateDecision | None]:
        """approve, request_changes or reject. Approval runs the gate and is refused while any rule fails."""
        reviewer = self.person(reviewer_id)
        if not reviewer.has(Role.REVIEWER):
            raise OperationError("only reviewers can review posts")
        post = self.post(post_id)
        if reviewer_id == post.author_id:
            raise OperationError(
                "you cannot review your own post: a different reviewer must (separation of duties)"
            )
        if post.state is not PostState.IN_REVIEW:
            raise OperationError(f"the post is {post.state.value}, not in review")
        now = self.clock()
        if decision == "approve":
            if post.scan is None or post.scan.content_hash != post.content_hash:
                post = self.scan_post(post_id)
            candidate = replace(post, approval=Approval(reviewer_id, post.content_hash, now))
            result = self._gate(candidate)
            if not result.allowed:
                self.record(
                    reviewer_id,
                    "post.approval_refused",
                    "post",
                    post_id,
                    reasons=[r.code for r in result.reasons],
                )
                return post, result
            approved = candidate.move(PostState.APPROVED, reviewer_id, now)
            self._save(approved)
            self.record(
                reviewer_id, "post.approved", "post", post_id, content_hash=approved.content_hash
            )
            return approved, result
        target = {"request_changes": PostState.CHANGES_REQUESTED, "reject": PostState.REJECTED}.get(
            decision
        )
        if target is None:
            raise OperationError("a review decision is approve, request_changes or reject")
        if not (note or "").strip():
            raise OperationError(
                "say why: a request for changes or a rejection needs a reason for the author"
            )
        moved = post.move(target, reviewer_id, now)
        self._save(moved, note=note)
        self.record(reviewer_id, f"post.{decision}", "post", post_id)
        return moved, None

    def review_note(self, post_id: str) -> str | None:
        row = self.session.get(PostRow, post_id)
        if row is None or row.review_note_sealed is None:
            return None
        return str(self.vault.open(row.review_note_sealed))

    def schedule_post(self, post_id: str, when: datetime, actor: str) -> Post:
        post = self.post(post_id)
        result = self.gate(post_id)
        if not result.allowed:
            raise OperationError("; ".join(str(r) for r in result.reasons))
        scheduled = replace(post, scheduled_for=when).move(PostState.SCHEDULED, actor, self.clock())
        self._save(scheduled)
        self.record(actor, "post.scheduled", "post", post_id, at=when.isoformat())
        return scheduled

    def gate(self, post_id: str, ignore_review: bool = False, record: bool = True) -> GateDecision:
        """The gate now. Decisions are audited; a page that only shows the reasons passes record=False."""
        post = self.post(post_id)
        decision = self._gate(post)
        if ignore_review:
            kept = tuple(r for r in decision.reasons if r.code not in ("NOT_APPROVED",))
            decision = GateDecision(not kept, kept)
        if record:
            self.record(
                None,
                "gate.evaluated",
                "post",
                post_id,
                allowed=decision.allowed,
                reasons=[r.code for r in decision.reasons],
            )
        return decision

    def _gate(self, post: Post) -> GateDecision:
        author = self.person(post.author_id)
        accounts = {a.id: a for a in self.accounts()}
        rights = frozenset(
            (r.person_id, r.account_id) for r in self.session.scalars(select(PostingRightRow))
        )
        authorizations = {}
        for authorization_id in post.authorization_ids:
            try:
                authorizations[authorization_id] = self.authorization(authorization_id)
            except OperationError:
                continue
        reviewer = self.person(post.approval.reviewer_id) if post.approval else None
        return evaluate_gate(
            GateInput(
                post,
                author,
                self.training(author.id),
                accounts,
                rights,
                authorizations,
                reviewer,
                self.clock(),
                self.gate_policy,
                self.attachments(post),
            )
        )

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(PostRow.state, func.count()).group_by(PostRow.state))
        return {state: count for state, count in rows}

    # ------------------------------------------------------------------ rows <-> domain
    def _post_row(self, post: Post) -> PostRow:
        return PostRow(
            id=post.id, author_id=post.author_id, state=post.state.value,
            content_sealed=self.vault.seal(_content(post)),
            content_hash=post.content_hash, account_ids=list(post.account_ids),
            authorization_ids=list(post.authorization_ids), content_kinds=sorted(k.value for k in post.content_kinds),
            scheduled_for=post.scheduled_for, updated_at=self.clock(),
        )  # fmt: skip

    def _save(self, post: Post, note: str | None = None) -> None:
        row = self.session.get(PostRow, post.id)
        assert row is not None
        row.state = post.state.value
        row.content_sealed = self.vault.seal(_content(post))
        row.content_hash = post.content_hash
        row.account_ids = list(post.account_ids)
        row.authorization_ids = list(post.authorization_ids)
        row.scheduled_for = post.scheduled_for
        row.approved_by = post.approval.reviewer_id if post.approval else None
        row.approved_hash = post.approval.content_hash if post.approval else None
        row.approved_at = post.approval.at if post.approval else None
        if post.scan is not None:
            row.scan_hash, row.scan_verdict = post.scan.content_hash, post.scan.verdict
            row.scan_types, row.scanned_at = list(post.scan.identifier_types), post.scan.at
        if note is not None:
            row.review_note_sealed = self.vault.seal(note)
        row.updated_at = self.clock()
        self.session.flush()

    def _post(self, row: PostRow) -> Post:
        content = self.vault.open(row.content_sealed)
        approval = None
        if row.approved_by and row.approved_hash and row.approved_at:
            approval = Approval(
                row.approved_by, row.approved_hash, _aware(row.approved_at) or self.clock()
            )
        scan = None
        if row.scan_hash and row.scan_verdict and row.scanned_at:
            scan = ScanRecord(
                row.scan_hash,
                row.scan_verdict,
                tuple(row.scan_types or ()),
                _aware(row.scanned_at) or self.clock(),
            )
        return Post(
            row.id, row.author_id, content["text"], PostState(row.state), tuple(content["media"]),
            tuple(row.account_ids or ()), tuple(row.authorization_ids or ()),
            frozenset(ContentKind(k) for k in row.content_kinds or ["post"]), _aware(row.scheduled_for), approval, scan,
            in_reply_to=content.get("in_reply_to"),
        )  # fmt: skip


def _content(post: Post) -> dict[str, Any]:
    return {"text": post.text, "media": list(post.media_hashes), "in_reply_to": post.in_reply_to}


def _roles(roles: frozenset[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _person(row: PersonRow) -> Person:
    roles = frozenset(Role(r) for r in row.roles.split(",") if r)
    return Person(row.id, row.name, row.email, roles, row.active)


def _account(row: AccountRow) -> SocialAccount:
    return SocialAccount(
        row.id,
        row.platform,
        row.handle,
        row.owner_id,
        AccountStatus(row.status),
        row.requested_by,
        row.approved_by,
    )


def _entry(row: AuditRow) -> audit.AuditEntry:
    return audit.AuditEntry(
        row.seq,
        _aware(row.at) or row.at,
        row.actor_id,
        row.action,
        row.subject_type,
        row.subject_id,
        dict(row.details or {}),
        row.prev_hash,
        row.hash,
    )


def _entry_dict(entry: audit.AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq, "at": entry.at.astimezone(UTC).isoformat(), "actor": entry.actor_id,
        "action": entry.action, "subject_type": entry.subject_type, "subject_id": entry.subject_id,
        "details": entry.details, "prev_hash": entry.prev_hash, "hash": entry.hash,
    }  # fmt: skip


def _auth_to_json(auth: Authorization) -> dict[str, Any]:
    data = dict(auth.__dict__)
    data["information_items"] = sorted(i.value for i in auth.information_items)
    data["platforms"] = sorted(auth.platforms)
    data["content_kinds"] = sorted(k.value for k in auth.content_kinds)
    data["purposes"] = list(auth.purposes)
    for key in ("expires_on", "signed_on", "copy_given_on"):
        value = data[key]
        data[key] = value.isoformat() if value else None
    if auth.revocation is not None:
        data["revocation"] = {
            "revoked_at": auth.revocation.revoked_at.isoformat(),
            "received_by": auth.revocation.received_by,
            "method": auth.revocation.method,
        }
    return data


def _auth_from_json(data: dict[str, Any]) -> Authorization:
    data = dict(data)
    data["information_items"] = frozenset(InformationItem(i) for i in data["information_items"])
    data["platforms"] = frozenset(data["platforms"])
    data["content_kinds"] = frozenset(ContentKind(k) for k in data["content_kinds"])
    data["purposes"] = tuple(data["purposes"])
    for key in ("expires_on", "signed_on", "copy_given_on"):
        data[key] = date.fromisoformat(data[key]) if data.get(key) else None
    if data.get("revocation"):
        r = data["revocation"]
        data["revocation"] = Revocation(
            datetime.fromisoformat(r["revoked_at"]), r["received_by"], r["method"]
        )
    return Authorization(**data)


def attachment_of(row: MediaRow, position: int) -> Attachment:
    """A stored file as the gate sees it, at its place in a post."""
    return Attachment(
        row.id, row.media_type, row.size, position, row.verdict,
        tuple(row.finding_types or ()), row.scan_error,
    )  # fmt: skip


def rotate_keys(session: Session, vault: Vault) -> int:
    """Re-encrypt every sealed value with the newest key; returns how many values changed.

    Every column whose name ends in `sealed` is encrypted (patients, authorizations, posts,
    credentials, inbox items, incidents, media), so the list is read from the tables themselves:
    a table added later cannot be forgotten here.
    """
    changed = 0
    for mapper in Base.registry.mappers:
        columns = [c.key for c in mapper.column_attrs if c.key.endswith("sealed")]
        if not columns:
            continue
        for row in session.scalars(select(mapper.class_)):
            for column in columns:
                value = getattr(row, column)
                if value is not None:
                    setattr(row, column, vault.rotate(value))
                    changed += 1
    session.flush()
    return changed
