"""Incident operations on the database: open, contain, assess, notify, sanction, close; reports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from phigate.compliance.authorizations import check_validity
from phigate.compliance.posts import PostState
from phigate.compliance.training import TrainingState
from phigate.incidents.assessment import Assessment, Determination, FactorAnswer, problems
from phigate.incidents.deadlines import DeadlineState, Recipient, state_of
from phigate.incidents.incident import Containment, Incident, Notification, Sanction, Source, Status
from phigate.service import ComplianceService, OperationError, new_id
from phigate.storage.models import IncidentRow


@dataclass
class IncidentOperations:
    service: ComplianceService

    # -------------------------------------------------------------- opening
    def open_from_post(
        self, post_id: str, discovered_at: datetime, discovered_by: str, summary: str
    ) -> Incident:
        post = self.service.post(post_id)
        if post.state is not PostState.PUBLISHED and post.state is not PostState.TAKEN_DOWN:
            raise OperationError("an incident from a post needs a post that was published")
        accounts = {a.id: a for a in self.service.accounts()}
        involved = tuple(
            dict.fromkeys(
                p
                for p in (post.author_id, post.approval.reviewer_id if post.approval else None)
                if p
            )
        )
        return self._open(
            Source.PUBLISHED_POST, discovered_at, discovered_by, summary,
            post.scan.identifier_types if post.scan else (),
            tuple(sorted({accounts[a].platform for a in post.account_ids if a in accounts})),
            (post_id,), involved,
        )  # fmt: skip

    def open_from_complaint(
        self,
        discovered_at: datetime,
        discovered_by: str,
        summary: str,
        identifier_types: tuple[str, ...],
        platforms: tuple[str, ...],
    ) -> Incident:
        return self._open(
            Source.COMPLAINT,
            discovered_at,
            discovered_by,
            summary,
            identifier_types,
            platforms,
            (),
            (),
        )

    def open_from_revocation(
        self, authorization_id: str, live_post_ids: tuple[str, ...], opened_by: str
    ) -> Incident | None:
        """A revocation that leaves posts live opens an incident at once (164.508(b)(5))."""
        if not live_post_ids:
            return None
        posts = [self.service.post(p) for p in live_post_ids]
        accounts = {a.id: a for a in self.service.accounts()}
        types = tuple(sorted({t for p in posts if p.scan for t in p.scan.identifier_types}))
        platforms = tuple(
            sorted({accounts[a].platform for p in posts for a in p.account_ids if a in accounts})
        )
        return self._open(
            Source.REVOCATION, self.service.clock(), opened_by,
            f"Authorization {authorization_id} was revoked while {len(posts)} post(s) relying on it were live.",
            types, platforms, live_post_ids, (),
        )  # fmt: skip

    def _open(
        self, source: Source, discovered_at: datetime, discovered_by: str, summary: str,
        types: tuple[str, ...], platforms: tuple[str, ...], post_ids: tuple[str, ...], involved: tuple[str, ...],
    ) -> Incident:  # fmt: skip
        incident = Incident(
            new_id("inc"), source, self.service.clock(), discovered_at.astimezone(UTC).date(), discovered_by,
            summary, tuple(types), tuple(platforms), post_ids, involved,
        )  # fmt: skip
        self.service.session.add(
            IncidentRow(
                id=incident.id, status=incident.status.value, source=source.value,
                discovered_on=incident.discovered_on, opened_at=incident.opened_at,
                record_sealed=self.service.vault.seal(_to_json(incident)),
            )
        )  # fmt: skip
        self.service.record(
            discovered_by,
            "incident.opened",
            "incident",
            incident.id,
            source=source.value,
            types=list(types),
        )
        return incident

    # -------------------------------------------------------------- the workflow
    def incident(self, incident_id: str) -> Incident:
        row = self.service.session.get(IncidentRow, incident_id)
        if row is None:
            raise OperationError(f"no incident with id {incident_id}")
        return _from_json(self.service.vault.open(row.record_sealed))

    def incidents(self) -> list[Incident]:
        rows = self.service.session.scalars(select(IncidentRow).order_by(IncidentRow.opened_at))
        return [_from_json(self.service.vault.open(r.record_sealed)) for r in rows]

    def contain(self, incident_id: str, platform: str, action: str, by: str) -> Incident:
        incident = self.incident(incident_id)
        updated = replace(
            incident,
            containment=(
                *incident.containment,
                Containment(platform, action, self.service.clock(), by),
            ),
            status=Status.CONTAINED if incident.status is Status.OPEN else incident.status,
        )
        for post_id in incident.post_ids:
            post = self.service.post(post_id)
            if post.state is PostState.PUBLISHED and action == "taken down":
                self.service._save(post.move(PostState.TAKEN_DOWN, by, self.service.clock()))
        self._save(updated, by, "incident.contained", platform=platform, containment=action)
        return updated

    def assess(
        self,
        incident_id: str,
        answers: tuple[FactorAnswer, ...],
        determination: Determination,
        rationale: str,
        officer: str,
    ) -> Incident:
        from phigate.compliance.people import Role

        if not self.service.person(officer).has(Role.PRIVACY_OFFICER):
            raise OperationError("only the privacy officer signs a breach risk assessment")
        incident = self.incident(incident_id)
        assessment = Assessment(answers, determination, rationale, officer, self.service.clock())
        refusals = problems(
            assessment,
            public_post=incident.source is not Source.COMPLAINT or bool(incident.platforms),
        )
        if refusals:
            raise OperationError("; ".join(str(r) for r in refusals))
        updated = replace(incident, assessment=assessment, status=Status.ASSESSED)
        self._save(updated, officer, "incident.assessed", determination=determination.value)
        return updated

    def notify(
        self,
        incident_id: str,
        recipient: Recipient,
        sent_on: date,
        method: str,
        by: str,
        jurisdiction: str | None = None,
    ) -> Incident:
        incident = self.incident(incident_id)
        updated = replace(
            incident,
            notifications=(
                *incident.notifications,
                Notification(recipient, sent_on, method, jurisdiction),
            ),
        )
        self._save(
            updated, by, "incident.notified", recipient=recipient.value, jurisdiction=jurisdiction
        )
        return updated

    def sanction(self, incident_id: str, person_id: str, action: str, by: str) -> Incident:
        """Sanctions applied to workforce members are documented with the incident (164.530(e))."""
        self.service.person(person_id)
        incident = self.incident(incident_id)
        updated = replace(
            incident,
            sanctions=(
                *incident.sanctions,
                Sanction(person_id, action, self.service.clock().date(), by),
            ),
        )
        self._save(updated, by, "incident.sanction", person=person_id)
        return updated

    def close(self, incident_id: str, by: str) -> Incident:
        incident = self.incident(incident_id)
        missing = []
        if not incident.containment:
            missing.append("no containment is recorded")
        if incident.assessment is None:
            missing.append("the breach risk assessment is not signed (45 CFR 164.402(2))")
        for deadline in incident.deadlines():
            if incident.notified_on(deadline) is None:
                missing.append(
                    f"the notice to {deadline.recipient.value} is not recorded ({deadline.citation})"
                )
        if missing:
            raise OperationError("the incident cannot be closed: " + "; ".join(missing))
        updated = replace(incident, status=Status.CLOSED)
        self._save(updated, by, "incident.closed")
        return updated

    def deadline_board(self) -> list[tuple[Incident, Any, DeadlineState]]:
        today = self.service.clock().date()
        board = []
        for incident in self.incidents():
            for deadline in incident.deadlines():
                board.append(
                    (incident, deadline, state_of(deadline, today, incident.notified_on(deadline)))
                )
        return board

    def _save(self, incident: Incident, actor: str, audit_action: str, **details: Any) -> None:
        row = self.service.session.get(IncidentRow, incident.id)
        assert row is not None
        row.status = incident.status.value
        row.record_sealed = self.service.vault.seal(_to_json(incident))
        self.service.record(actor, audit_action, "incident", incident.id, **details)

    # -------------------------------------------------------------- reports
    def compliance_report(self, start: date, end: date) -> dict[str, Any]:
        service = self.service
        people = service.people()
        training = {p.id: service.training(p.id).state.value for p in people}
        posts = [
            p for p in service.posts() if p.history and start <= p.history[0][1].date() <= end
        ] or [p for p in service.posts()]
        today = service.clock().date()
        report = {
            "period": [start.isoformat(), end.isoformat()],
            "training": {
                state.value: sum(1 for s in training.values() if s == state.value)
                for state in TrainingState
            },
            "posts_by_verdict": _count(p.scan.verdict for p in posts if p.scan),
            "findings_by_type": _count(t for p in posts if p.scan for t in p.scan.identifier_types),
            "posts_by_state": _count(p.state.value for p in posts),
            "authorizations": {
                "total": len(service.authorizations()),
                "revoked": sum(1 for a in service.authorizations() if a.revocation),
                "expiring_30_days": len(service.expiring_authorizations(30)),
                "with_defects": sum(
                    1 for a in service.authorizations() if check_validity(a, today=today)
                ),
            },
            "incidents": [
                {
                    "id": i.id,
                    "status": i.status.value,
                    "breach": i.is_breach,
                    "deadlines": [
                        {
                            "recipient": d.recipient.value,
                            "due": d.due.isoformat(),
                            "state": st.value,
                        }
                        for inc, d, st in self.deadline_board()
                        if inc.id == i.id
                    ],
                }
                for i in self.incidents()
            ],
            "audit_chain_intact": not service.verify_audit(),
        }
        return report

    def compliance_report_csv(self, report: dict[str, Any]) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "item", "value"])
        for section in (
            "training",
            "posts_by_verdict",
            "findings_by_type",
            "posts_by_state",
            "authorizations",
        ):
            for item, value in report[section].items():
                writer.writerow([section, item, value])
        for incident in report["incidents"]:
            for deadline in incident["deadlines"]:
                writer.writerow(
                    [
                        "incident_deadline",
                        f"{incident['id']} {deadline['recipient']}",
                        f"{deadline['due']} {deadline['state']}",
                    ]
                )
        writer.writerow(["audit", "chain_intact", report["audit_chain_intact"]])
        return out.getvalue()

    def evidence_export(self, incident_id: str) -> bytes:
        """A zip for an OCR investigation: the audit slice with its hash-chain proof, training and
        policy records, the authorizations involved and the incident record."""
        incident = self.incident(incident_id)
        service = self.service
        related = set(incident.post_ids) | {incident.id} | set(incident.workforce_involved)
        entries = service.audit_entries()
        slice_ = [e for e in entries if e.subject_id in related or e.actor_id in related]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "incident.json", json.dumps(_to_json(incident), indent=2, sort_keys=True)
            )
            archive.writestr(
                "audit-slice.jsonl",
                "".join(
                    json.dumps(
                        {
                            "seq": e.seq,
                            "at": e.at.isoformat(),
                            "actor": e.actor_id,
                            "action": e.action,
                            "subject": [e.subject_type, e.subject_id],
                            "details": e.details,
                            "prev_hash": e.prev_hash,
                            "hash": e.hash,
                        },
                        sort_keys=True,
                    )
                    + "\n"
                    for e in slice_
                ),
            )
            archive.writestr("audit-full-chain.jsonl", service.export_audit("jsonl"))
            archive.writestr(
                "audit-verification.json",
                json.dumps(
                    {
                        "problems": [asdict(p) for p in service.verify_audit()],
                        "entries": len(entries),
                    }
                ),
            )
            training_rows = [
                (
                    p.id,
                    p.name,
                    service.training(p.id).state.value,
                    str(service.training(p.id).last_completed),
                )
                for p in service.people()
                if p.id in incident.workforce_involved
            ]
            archive.writestr(
                "training.csv",
                "person_id,name,state,last_completed\n"
                + "".join(",".join(r) + "\n" for r in training_rows),
            )
            archive.writestr(
                "policy.json",
                json.dumps({"training_policy": asdict(service.training_policy)}, default=str),
            )
            auth_ids = {a for p in incident.post_ids for a in service.post(p).authorization_ids}
            archive.writestr(
                "authorizations.json",
                json.dumps(
                    [_auth_summary(service, a) for a in sorted(auth_ids)], indent=2, default=str
                ),
            )
        service.record(None, "incident.evidence_exported", "incident", incident_id)
        return buffer.getvalue()


def _auth_summary(service: ComplianceService, authorization_id: str) -> dict[str, Any]:
    auth = service.authorization(authorization_id)
    return {"id": auth.id, "expires_on": auth.expires_on, "revoked": auth.revocation is not None, "platforms": sorted(auth.platforms),
            "defects": [d.code for d in check_validity(auth, today=service.clock().date())], "form_sha256": auth.form_sha256}  # fmt: skip


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _to_json(incident: Incident) -> dict[str, Any]:
    encoded: dict[str, Any] = json.loads(
        json.dumps(
            asdict(incident), default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)
        )
    )
    return encoded


def _from_json(data: dict[str, Any]) -> Incident:
    def dt(value: str) -> datetime:
        return datetime.fromisoformat(value)

    assessment = None
    if data.get("assessment"):
        a = data["assessment"]
        from phigate.incidents.assessment import Exception_, Factor, Risk

        assessment = Assessment(
            tuple(FactorAnswer(Factor(x["factor"]), Risk(x["risk"]), x["notes"]) for x in a["answers"]),
            Determination(a["determination"]), a["rationale"], a["signed_by"],
            dt(a["signed_at"]) if a.get("signed_at") else None,
            Exception_(a["exception"]) if a.get("exception") else None,
        )  # fmt: skip
    return Incident(
        data["id"], Source(data["source"]), dt(data["opened_at"]), date.fromisoformat(data["discovered_on"]),
        data["discovered_by"], data["summary"], tuple(data["identifier_types"]), tuple(data["platforms"]),
        tuple(data["post_ids"]), tuple(data["workforce_involved"]), data["affected"],
        dict(data["residents_by_jurisdiction"]),
        date.fromisoformat(data["law_enforcement_delay_until"]) if data.get("law_enforcement_delay_until") else None,
        tuple(Containment(c["platform"], c["action"], dt(c["at"]), c["by"]) for c in data["containment"]),
        assessment,
        tuple(Notification(Recipient(n["recipient"]), date.fromisoformat(n["sent_on"]), n["method"], n.get("jurisdiction")) for n in data["notifications"]),
        tuple(Sanction(s["person_id"], s["action"], date.fromisoformat(s["on"]), s["recorded_by"]) for s in data["sanctions"]),
        Status(data["status"]),
    )  # fmt: skip


def revoke_authorization(
    service: ComplianceService, authorization_id: str, received_by: str, method: str, actor: str
) -> tuple[Any, Incident | None]:
    """Revoke, and when posts relying on it are still live, open an incident for them at once."""
    effect = service.revoke_authorization(authorization_id, received_by, method, actor)
    incident = IncidentOperations(service).open_from_revocation(
        authorization_id, effect.takedown_post_ids, actor
    )
    return effect, incident
