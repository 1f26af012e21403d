"""Photos and videos on a post: upload, view (only to those who may see the post), remove, and
replace with a redacted copy. The boxes the scan found are drawn over the picture on the post page.

Files go out with `Cache-Control: no-store` (the security headers of every response): a photo of a patient must not linger in a
browser's or a proxy's cache.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from phigate.compliance.attachments import Attachment
from phigate.compliance.people import Role
from phigate.service import ComplianceService, OperationError, _aware
from phigate.storage.models import MediaRow
from phigate.web.app import AppState, Me, Service, _visible_post
from phigate.web.security import check_csrf


def media_store(request: Request, svc: ComplianceService) -> Any:
    from phigate.media.store import MediaStore

    state: AppState = request.app.state.phigate
    return MediaStore(svc, scanner=state.media_scanner())


def attachment_views(request: Request, svc: ComplianceService, post: Any) -> list[dict[str, Any]]:
    """What the post page draws: each attachment with its boxes as percentages of the picture."""
    store = media_store(request, svc) if post.media_hashes else None
    views = []
    for attachment in svc.attachments(post):
        report = store.report(attachment.id) if store and not attachment.error else None
        views.append({"a": attachment, "boxes": _boxes(report), "findings": _findings(report)})
    return views


def attach_uploads(
    request: Request, svc: ComplianceService, post_id: str, actor: str, files: list[UploadFile]
) -> list[Attachment]:
    """Store and attach each uploaded file, then scan it (at once when embedded, else a job).
    The stored files are committed before scanning, so a scan that fails loses no upload."""
    from phigate.jobs import scan_media_soon

    store = media_store(request, svc)
    limit = store.limits_in_force().max_bytes  # read one byte more: the store names the excess
    attached = []
    for upload in files:
        stored = store.store(upload.file.read(limit + 1), upload.filename or "upload", actor)
        store.attach(post_id, stored.id, actor)
        attached.append(stored)
    svc.session.commit()
    for stored in attached:
        scan_media_soon(store, stored.id)
    return attached


def _boxes(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not report or not report.get("width") or not report.get("height"):
        return []
    width, height = float(report["width"]), float(report["height"])
    boxes = []
    for finding in report["findings"]:
        box = finding.get("box")
        if not box or finding.get("frame") not in (None, 0) or finding.get("seconds"):
            continue  # a later video frame or GIF frame: listed, not drawn on the still
        left, top, w, h = box
        boxes.append({
            "type": finding["type"], "source": finding["source"], "reason": finding["reason"],
            "left": 100 * left / width, "top": 100 * top / height,
            "width": 100 * w / width, "height": 100 * h / height,
        })  # fmt: skip
    return boxes


def _findings(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list(report["findings"]) if report else []


def own_post(svc: ComplianceService, me: Any, post_id: str) -> Any:
    post = _visible_post(svc, me, post_id)
    if post.author_id != me.id:
        raise HTTPException(403, "Only the post's author can do this.")
    return post


def router() -> APIRouter:
    pages = APIRouter()

    @pages.post("/posts/{post_id}/media", name="attach_media", dependencies=[Depends(check_csrf)])
    def attach_media(
        request: Request, me: Me, svc: Service, post_id: str, file: Annotated[UploadFile, File()]
    ) -> Response:
        post = own_post(svc, me, post_id)
        attach_uploads(request, svc, post.id, me.id, [file])
        return RedirectResponse(f"/posts/{post.id}#media", status_code=303)

    @pages.post(
        "/posts/{post_id}/media/{media_id}/remove",
        name="detach_media",
        dependencies=[Depends(check_csrf)],
    )
    def detach_media(
        request: Request, me: Me, svc: Service, post_id: str, media_id: str
    ) -> Response:
        own_post(svc, me, post_id)
        media_store(request, svc).detach(post_id, media_id, me.id)
        return RedirectResponse(f"/posts/{post_id}#media", status_code=303)

    @pages.post(
        "/posts/{post_id}/media/{media_id}/redact",
        name="redact_media",
        dependencies=[Depends(check_csrf)],
    )
    def redact_media(
        request: Request, me: Me, svc: Service, post_id: str, media_id: str
    ) -> Response:
        own_post(svc, me, post_id)
        media_store(request, svc).replace_with_redacted(post_id, media_id, me.id)
        return RedirectResponse(f"/posts/{post_id}#media", status_code=303)

    @pages.get("/media/{media_id}", name="media_content")
    def media_content(request: Request, me: Me, svc: Service, media_id: str) -> Response:
        if not _may_see(svc, me, media_id):
            raise HTTPException(404, "No such file.")
        try:
            data, media_type = media_store(request, svc).content(media_id)
        except OperationError:
            raise HTTPException(404, "No such file.") from None
        return Response(
            data,
            media_type=media_type,
            headers={"Content-Disposition": "inline"},  # no-store comes with every response
        )

    @pages.get("/published-media/{file_name}", name="published_media")
    def published_media(svc: Service, file_name: str) -> Response:
        """Public, for platforms that download media by URL (Instagram's Graph API): only a file
        a publisher has released, only for a limited time, only at its SHA-256, which cannot be
        guessed without the file itself."""
        media_id = file_name.split(".", 1)[0].lower()
        row = svc.session.get(MediaRow, media_id) if len(media_id) == 64 else None
        released = _aware(row.released_at) if row is not None else None
        window = timedelta(hours=float(os.environ.get("PHIGATE_PUBLIC_MEDIA_HOURS", "24")))
        if row is None or released is None or svc.clock() - released > window:
            raise HTTPException(404, "No such file.")
        return Response(svc.vault.decrypt(row.data_sealed), media_type=row.media_type)

    return pages


def _may_see(svc: ComplianceService, me: Any, media_id: str) -> bool:
    """The uploader, and the roles that may see every post (as on the post pages)."""
    row = svc.session.get(MediaRow, media_id)
    if row is None:
        return False
    return row.uploaded_by == me.id or bool(
        me.roles & {Role.REVIEWER, Role.PRIVACY_OFFICER, Role.AUDITOR}
    )
