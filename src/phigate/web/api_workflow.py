"""The post workflow over the REST API (/api/v1): submit, link authorizations, attach media,
review, schedule. The same operations and the same refusals as the pages; a refusal answers 400
with every reason and its citation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, Field

from phigate.compliance.attachments import Attachment
from phigate.compliance.gate import GateDecision
from phigate.compliance.rules import Finding
from phigate.service import OperationError
from phigate.web.app import Me, Service, _visible_post
from phigate.web.media_pages import attach_uploads, media_store, own_post


class ReviewRequest(BaseModel):
    decision: Literal["approve", "request_changes", "reject"]
    note: str | None = Field(default=None, max_length=5_000)


class ScheduleRequest(BaseModel):
    publish_at: datetime


class LinkRequest(BaseModel):
    authorization_ids: list[str] = Field(min_length=1, max_length=50)


def _reasons(reasons: tuple[Finding, ...]) -> list[dict[str, str]]:
    return [{"code": r.code, "message": r.message, "citation": r.citation} for r in reasons]


def _attachment(a: Attachment) -> dict[str, Any]:
    return {"id": a.id, "media_type": a.media_type, "size": a.size, "position": a.position,
            "verdict": a.verdict, "identifier_types": list(a.identifier_types), "error": a.error}  # fmt: skip


def router() -> APIRouter:
    api = APIRouter()

    @api.post("/posts/{post_id}/submit", name="api_submit_post")
    def api_submit_post(me: Me, svc: Service, post_id: str) -> dict[str, Any]:
        own_post(svc, me, post_id)
        post, reasons = svc.submit_post(post_id, me.id)
        return {"id": post.id, "state": post.state.value, "gate": _reasons(reasons)}

    @api.post("/posts/{post_id}/authorizations", name="api_link_authorizations")
    def api_link_authorizations(
        me: Me, svc: Service, post_id: str, body: LinkRequest
    ) -> dict[str, Any]:
        own_post(svc, me, post_id)
        post = svc.link_authorizations(post_id, body.authorization_ids, me.id)
        return {"id": post.id, "authorization_ids": list(post.authorization_ids)}

    @api.post("/posts/{post_id}/media", name="api_attach_media", status_code=201)
    def api_attach_media(
        request: Request, me: Me, svc: Service, post_id: str, file: Annotated[UploadFile, File()]
    ) -> dict[str, Any]:
        own_post(svc, me, post_id)
        [stored] = attach_uploads(request, svc, post_id, me.id, [file])
        return _attachment(media_store(request, svc).in_post(post_id, stored.id))

    @api.get("/posts/{post_id}/media", name="api_post_media")
    def api_post_media(
        request: Request, me: Me, svc: Service, post_id: str
    ) -> list[dict[str, Any]]:
        post = _visible_post(svc, me, post_id)
        store = media_store(request, svc)
        return [
            {**_attachment(a), "report": None if a.error else store.report(a.id)}
            for a in svc.attachments(post)
        ]

    @api.post("/posts/{post_id}/review", name="api_review_post")
    def api_review_post(me: Me, svc: Service, post_id: str, body: ReviewRequest) -> dict[str, Any]:
        _visible_post(svc, me, post_id)
        post, decision = svc.review_post(post_id, me.id, body.decision, body.note)
        if decision is not None and not decision.allowed:
            raise OperationError(_refusal("approval", decision))
        return {"id": post.id, "state": post.state.value}

    @api.post("/posts/{post_id}/schedule", name="api_schedule_post")
    def api_schedule_post(
        me: Me, svc: Service, post_id: str, body: ScheduleRequest
    ) -> dict[str, Any]:
        _visible_post(svc, me, post_id)
        post = svc.schedule_post(post_id, body.publish_at, me.id)
        when = post.scheduled_for.isoformat() if post.scheduled_for else None
        return {"id": post.id, "state": post.state.value, "scheduled_for": when}

    return api


def _refusal(what: str, decision: GateDecision) -> str:
    return f"the {what} was refused: " + "; ".join(str(r) for r in decision.reasons)
