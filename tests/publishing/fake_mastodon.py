"""A local HTTP server reproducing the documented Mastodon REST shapes phigate uses, with their errors
(docs.joinmastodon.org/methods: statuses, media, notifications, instance; "Rate limits"):

    POST   /api/v1/statuses          form: status, visibility, media_ids[], in_reply_to_id
    DELETE /api/v1/statuses/:id
    POST   /api/v2/media              multipart: file, description -> 200 (image) or 202 (video)
    GET    /api/v1/media/:id          206 while processing, then 200 with its url
    GET    /api/v1/notifications      query: types[], max_id, limit; newest first
    GET    /api/v1/instance, /api/v2/instance   (Mastodon.py reads the version before media)

Errors: 401 wrong or revoked token, 403 a token without the scope, 404 unknown ids, 413 a file too
large, 422 validation, 429 with X-RateLimit-Reset, 503 when `state["down"]` is set. Every request is
recorded in `state["requests"]` as (method, path, headers, fields).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TOKEN = "test-token"
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
VIDEO_TYPES = {"video/mp4", "video/webm", "video/quicktime"}
MAX_UPLOAD = 16 * 1024 * 1024


def new_state() -> dict[str, Any]:
    return {"statuses": {}, "by_key": {}, "media": {}, "notifications": [], "requests": [],
            "scopes": {"read", "write"}}  # fmt: skip


def fake_mastodon(state: dict[str, Any]) -> FastAPI:
    server = FastAPI()

    def refused(request: Request, scope: str) -> JSONResponse | None:
        """The documented answers that come before any validation: token, scope, limits, outages."""
        if request.headers.get("authorization") != f"Bearer {state.get('token', TOKEN)}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        if scope not in state["scopes"]:
            return JSONResponse(
                {"error": "This action is outside the authorized scopes"}, status_code=403
            )
        if state.get("rate_limited"):
            reset = str(int(time.time()) + 30)
            return JSONResponse({"error": "Too many requests"}, status_code=429,
                                headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})  # fmt: skip
        if state.get("down"):
            return JSONResponse({"error": "Service Unavailable"}, status_code=503)
        return None

    async def record(request: Request) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if request.method in ("POST", "PUT"):
            form = await request.form()
            for name in form:
                values = form.getlist(name)
                fields[name] = [v if isinstance(v, str) else {"filename": v.filename, "content_type": v.content_type,
                                "data": await v.read()} for v in values]  # fmt: skip
        for name in request.query_params:
            fields[name] = request.query_params.getlist(name)
        state["requests"].append((request.method, request.url.path, dict(request.headers), fields))
        return fields

    @server.get("/api/v1/instance")
    @server.get("/api/v2/instance")
    async def instance(request: Request) -> JSONResponse:
        await record(request)
        return JSONResponse({"uri": "social.example", "domain": "social.example", "title": "Social",
                             "version": "4.3.0", "api_versions": {"mastodon": 2}})  # fmt: skip

    @server.post("/api/v1/statuses")
    async def post_status(request: Request) -> JSONResponse:
        fields = await record(request)
        if answer := refused(request, "write"):
            return answer
        status = fields.get("status", [""])[0]
        key = request.headers.get("idempotency-key")
        if len(status) > 500:
            return JSONResponse(
                {"error": "Validation failed: Text character limit of 500 exceeded"},
                status_code=422,
            )
        media_ids = fields.get("media_ids[]", [])
        if len(media_ids) > 4:
            return JSONResponse({"error": "Validation failed: Cannot attach more than 4 files"},
                                status_code=422)  # fmt: skip
        for media_id in media_ids:
            if media_id not in state["media"]:
                return JSONResponse({"error": "Record not found"}, status_code=404)
            if state["media"][media_id]["url"] is None:
                return JSONResponse({"error": "Cannot attach files that have not finished processing. Try again in a moment!"},
                                    status_code=422)  # fmt: skip
        in_reply_to = fields.get("in_reply_to_id", [None])[0]
        if (
            in_reply_to is not None
            and in_reply_to not in state["statuses"]
            and in_reply_to not in state.get("foreign", ())
        ):
            return JSONResponse({"error": "Record not found"}, status_code=404)
        if key and key in state["by_key"]:
            return JSONResponse(state["statuses"][state["by_key"][key]])
        status_id = str(100000 + len(state["statuses"]) + len(state["requests"]))
        body = {"id": status_id, "created_at": "2026-11-23T10:00:00.000Z", "content": f"<p>{status}</p>",
                "visibility": fields.get("visibility", ["public"])[0], "in_reply_to_id": in_reply_to,
                "url": f"https://social.example/@clinic/{status_id}", "uri": f"https://social.example/users/clinic/statuses/{status_id}",
                "account": {"id": "1", "username": "clinic", "acct": "clinic"},
                "media_attachments": [state["media"][m] for m in media_ids], "mentions": [], "tags": [], "emojis": []}  # fmt: skip
        state["statuses"][status_id] = body
        if key:
            state["by_key"][key] = status_id
        return JSONResponse(body)

    @server.delete("/api/v1/statuses/{status_id}")
    async def delete_status(status_id: str, request: Request) -> JSONResponse:
        await record(request)
        if answer := refused(request, "write"):
            return answer
        if status_id not in state["statuses"]:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        return JSONResponse(state["statuses"].pop(status_id))

    @server.post("/api/v2/media")
    async def upload_media(request: Request) -> JSONResponse:
        fields = await record(request)
        if answer := refused(request, "write"):
            return answer
        [upload] = fields["file"]
        if len(upload["data"]) > MAX_UPLOAD:
            return JSONResponse({"error": "File is too large"}, status_code=413)
        kind = (
            "image"
            if upload["content_type"] in IMAGE_TYPES
            else "video"
            if upload["content_type"] in VIDEO_TYPES
            else None
        )
        if kind is None:
            return JSONResponse({"error": "Validation failed: File content type is invalid, File is invalid"},
                                status_code=422)  # fmt: skip
        media_id = str(900 + len(state["media"]))
        url = f"https://files.social.example/media/{media_id}"
        attachment = {"id": media_id, "type": kind, "url": url if kind == "image" else None,
                      "preview_url": url, "remote_url": None, "meta": {},
                      "description": fields.get("description", [None])[0], "blurhash": None}  # fmt: skip
        state["media"][media_id] = attachment
        if kind == "video":  # processed asynchronously: ready at the next look
            state.setdefault("processing", {})[media_id] = url
            return JSONResponse(attachment, status_code=202)
        return JSONResponse(attachment)

    @server.get("/api/v1/media/{media_id}")
    async def get_media(media_id: str, request: Request) -> JSONResponse:
        await record(request)
        if answer := refused(request, "read"):
            return answer
        if media_id not in state["media"]:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        attachment = state["media"][media_id]
        if attachment["url"] is None:
            attachment["url"] = state["processing"].pop(media_id)
            return JSONResponse({**attachment, "url": None}, status_code=206)
        return JSONResponse(attachment)

    @server.get("/api/v1/notifications")
    async def notifications(request: Request) -> JSONResponse:
        fields = await record(request)
        if answer := refused(request, "read"):
            return answer
        types = set(fields.get("types[]", []))
        limit = min(int(fields.get("limit", ["40"])[0]), 80)
        max_id = fields.get("max_id", [None])[0]
        ordered = sorted(state["notifications"], key=lambda n: int(n["id"]), reverse=True)
        chosen = [n for n in ordered if (not types or n["type"] in types)
                  and (max_id is None or int(n["id"]) < int(max_id))][:limit]  # fmt: skip
        return JSONResponse(chosen)

    return server


def mention(note_id: int, at: str, author: str, html: str, *, status_id: str, reply_to: str | None = None,
            kind: str = "mention") -> dict[str, Any]:  # fmt: skip
    """A Notification entity as documented, with its account and status."""
    account = {"id": f"a{note_id}", "username": author.lower(), "acct": f"{author.lower()}@elsewhere.example",
               "display_name": author, "url": f"https://elsewhere.example/@{author.lower()}"}  # fmt: skip
    status = {"id": status_id, "created_at": at, "in_reply_to_id": reply_to, "content": html,
              "visibility": "public", "account": account, "media_attachments": [], "mentions": []}  # fmt: skip
    return {"id": str(note_id), "type": kind, "created_at": at, "account": account,
            "status": status if kind in ("mention", "status", "favourite") else None}  # fmt: skip


@contextmanager
def running(state: dict[str, Any]) -> Iterator[str]:
    """The fake server on a free loopback port, for as long as the block runs; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(fake_mastodon(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
