"""The FastAPI application: server-rendered pages (Jinja2 + htmx) and the REST API under /api/v1.

Routes are thin: they check access, call `phigate.service` and render. Every route has a name in
`access.ROUTE_ROLES`, and `authorize` refuses any signed-in person whose roles are not listed.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from phigate import __version__
from phigate.compliance.authorizations import check_validity
from phigate.compliance.people import Person, Role
from phigate.compliance.posts import PostState
from phigate.compliance.training import TrainingState
from phigate.notifications.delivery import reminders_for
from phigate.scanning import OrganizationProfile, Scanner, ScanReport
from phigate.scanning.profile import configured_profile
from phigate.scheduler import EmbeddedScheduler, embedded_scheduler
from phigate.service import ComplianceService, OperationError
from phigate.signin import SignInError, TokenIdentity, identify_token, sign_in
from phigate.storage.crypto import Vault
from phigate.web.access import ROUTE_SCOPES, allowed
from phigate.web.security import (
    IDLE_TIMEOUT_SECONDS,
    IdentityCache,
    Throttle,
    check_csrf,
    csrf_token,
)

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


@dataclass
class AppState:
    sessions: sessionmaker[Session]
    vault: Vault
    scanner: Scanner
    login_throttle: Throttle
    profile: OrganizationProfile
    tokens: IdentityCache = field(default_factory=IdentityCache)
    _media_scanner: Any = None

    def media_scanner(self) -> Any:
        """Loaded on first use: the face and OCR models cost seconds that start-up need not pay."""
        if self._media_scanner is None:
            from phigate.media.scanner import MediaScanner

            self._media_scanner = MediaScanner(self.scanner)
        return self._media_scanner


class NotSignedIn(Exception):
    pass


BackgroundJobs = Callable[
    [sessionmaker[Session], Vault, OrganizationProfile], EmbeddedScheduler | None
]


def create_app(
    engine: Engine,
    vault: Vault,
    secret_key: str,
    *,
    https_only: bool = False,
    background: BackgroundJobs = embedded_scheduler,
) -> FastAPI:
    """`background` builds the periodic jobs' thread (None: Celery beat runs them, or turned off)."""
    from phigate.storage.database import migrate, session_factory

    migrate(engine)
    profile = configured_profile()
    state = AppState(session_factory(engine), vault, Scanner(profile), Throttle(20, 60), profile)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        scheduler = background(state.sessions, vault, profile)
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()

    app = FastAPI(
        title="phigate",
        version=__version__,
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.phigate = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie="phigate_session",
        max_age=12 * 3600,
        same_site="lax",
        https_only=https_only,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(NotSignedIn)
    async def to_login(request: Request, _: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in or send a valid API token"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        # Field names and problems only: the submitted values (post text) are never echoed.
        problems = [f"{'/'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, status_code=422)
        return _page(request, "refused.html", None, reasons=problems, post_id=None, status_code=422)

    @app.exception_handler(OperationError)
    async def refused(request: Request, error: OperationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(error)}, status_code=400)
        return _page(
            request, "refused.html", None, reasons=[str(error)], post_id=None, status_code=400
        )

    from phigate.web import sso

    if sso.configured():
        app.include_router(
            sso.router(
                service,
                lambda request, error: _page(request, "login.html", None, error=error, sso=True),
            )
        )
    app.include_router(_pages())
    from phigate.web import media_pages

    app.include_router(media_pages.router())
    app.include_router(_api(), prefix="/api/v1")
    from phigate.web import api_workflow

    app.include_router(api_workflow.router(), prefix="/api/v1")
    return app


class SecurityHeaders:
    """Headers on every response; plain ASGI, because the decorator middleware costs a task per request."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ),
        (b"cache-control", b"no-store"),
    ]

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


# ---------------------------------------------------------------- dependencies
def service(request: Request) -> Iterator[ComplianceService]:
    state: AppState = request.app.state.phigate
    with state.sessions() as session:
        svc = ComplianceService(session, state.vault, scanner=state.scanner)
        try:
            yield svc
        except OperationError:
            session.commit()  # keep the audit entry of a refused operation
            raise
        session.commit()


Service = Annotated[ComplianceService, Depends(service)]


async def current_person(request: Request) -> Person:
    """Who is asking: from an API token or the session cookie. Runs on the event loop (no thread
    hop on every request); identities are remembered for a few seconds per process (see
    IdentityCache), so most requests touch the database only for their own work."""
    state: AppState = request.app.state.phigate
    token = request.headers.get("authorization", "")
    if token.lower().startswith("bearer "):
        key = "token:" + hashlib.sha256(token[7:].strip().encode()).hexdigest()
        known = state.tokens.get(key)
        if not isinstance(known, TokenIdentity):
            with state.sessions() as session:
                known = identify_token(ComplianceService(session, state.vault), token[7:].strip())
            if known is None:
                raise NotSignedIn
            state.tokens.put(key, known)
        request.state.token = known
        return known.person
    person_id = request.session.get("person_id")
    seen = request.session.get("seen", 0)
    if not person_id or time.time() - float(seen) > IDLE_TIMEOUT_SECONDS:
        request.session.clear()
        raise NotSignedIn
    key = f"person:{person_id}"
    person = state.tokens.get(key)
    if not isinstance(person, Person):
        with state.sessions() as session:
            try:
                person = ComplianceService(session, state.vault).person(str(person_id))
            except OperationError:
                person = None
        if person is None or not person.active:
            request.session.clear()
            raise NotSignedIn
        state.tokens.put(key, person)
    request.session["seen"] = time.time()
    return person


async def authorize(request: Request, person: Annotated[Person, Depends(current_person)]) -> Person:
    route = request.scope.get("route")
    name = getattr(route, "name", "")
    if not allowed(name, person.roles):
        raise HTTPException(403, "Your role does not give access to this page.")
    token: TokenIdentity | None = getattr(request.state, "token", None)
    if token is not None:
        scope = ROUTE_SCOPES.get(name)
        if scope is None or scope not in token.scopes:
            raise HTTPException(403, f"This API token lacks the '{scope or 'pages'}' scope.")
    return person


Me = Annotated[Person, Depends(authorize)]


def _page(
    request: Request, name: str, person: Person | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {"me": person, "csrf": csrf_token(request), "Role": Role, **context},
        status_code=status_code,
    )


def highlight(report: ScanReport) -> Markup:
    """The text with findings marked; every piece is escaped, so post text can never inject HTML."""
    pieces: list[str] = []
    cursor = 0
    for finding in report.findings:
        if finding.start < cursor:
            continue
        pieces.append(str(escape(report.text[cursor : finding.start])))
        pieces.append(
            f'<mark class="{escape(finding.type.value.lower())}" title="{escape(finding.reason)}">'
            f"{escape(report.text[finding.start : finding.end])}</mark>"
        )
        cursor = finding.end
    pieces.append(str(escape(report.text[cursor:])))
    return Markup("".join(pieces))


# ---------------------------------------------------------------- pages
def _pages() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/health", name="health")
    def health() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @router.get("/login", name="login_page", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        from phigate.web.sso import configured

        return _page(request, "login.html", None, error=None, sso=configured())

    @router.post("/login", name="login", dependencies=[Depends(check_csrf)])
    def login(
        request: Request,
        svc: Service,
        email: Annotated[str, Form()],
        password: Annotated[str, Form()],
        code: Annotated[str, Form()] = "",
    ) -> Response:
        state: AppState = request.app.state.phigate
        client = request.client.host if request.client else "?"
        if not state.login_throttle.allow(client):
            return _page(
                request, "login.html", None, error="Too many sign-in attempts; wait a minute."
            )
        try:
            person = sign_in(svc, email, password, code or None)
        except SignInError as error:
            return _page(request, "login.html", None, error=str(error))
        request.session.clear()  # a fresh session on sign-in: no fixation
        request.session.update({"person_id": person.id, "seen": time.time()})
        csrf_token(request)
        return RedirectResponse("/", status_code=303)

    @router.post("/logout", name="logout", dependencies=[Depends(check_csrf)])
    def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @router.get("/", name="home", response_class=HTMLResponse)
    def home(request: Request, me: Me, svc: Service) -> Response:
        for role, target in (
            (Role.PRIVACY_OFFICER, "/privacy"),
            (Role.REVIEWER, "/review"),
            (Role.AUTHOR, "/posts"),
            (Role.AUDITOR, "/audit"),
        ):
            if role in me.roles:
                return RedirectResponse(target, status_code=303)
        return _page(request, "home.html", me)

    @router.get("/compose", name="compose", response_class=HTMLResponse)
    async def compose(request: Request, me: Me) -> HTMLResponse:
        # On the event loop with its own short session: three small reads, cheaper than the hop
        # to a worker thread that a sync page takes (the page authors open most).
        state: AppState = request.app.state.phigate
        with state.sessions() as session:
            svc = ComplianceService(session, state.vault)
            status = svc.training(me.id)
            accounts = [a for a in svc.accounts() if a.status.value == "active"]
            choices = _auth_choices(svc)
        return _page(
            request, "compose.html", me, training=status, accounts=accounts, authorizations=choices
        )

    @router.post(
        "/compose/scan",
        name="compose_scan",
        response_class=HTMLResponse,
        dependencies=[Depends(check_csrf)],
    )
    async def compose_scan(
        request: Request,
        me: Me,
        text: Annotated[str, Form()] = "",
        item: Annotated[str, Form()] = "",
    ) -> HTMLResponse:
        # On the event loop: a scan takes about 2 ms, less than the hop to a worker thread.
        state: AppState = request.app.state.phigate
        if item:
            # A reply is checked against the comment it answers.
            from phigate.engagement.operations import EngagementOperations

            with state.sessions() as session:
                svc = ComplianceService(session, state.vault, scanner=state.scanner)
                comment = EngagementOperations(svc, state.profile).item(item).text
            report = state.scanner.scan(text[:10_000], "reply", comment)
        else:
            report = state.scanner.scan(text[:10_000])
        return _page(request, "_findings.html", me, report=report, marked=highlight(report))

    @router.post("/posts", name="create_post", dependencies=[Depends(check_csrf)])
    def create_post(
        request: Request,
        me: Me,
        svc: Service,
        text: Annotated[str, Form()],
        account: Annotated[list[str] | None, Form()] = None,
        authorization: Annotated[list[str] | None, Form()] = None,
        submit: Annotated[str, Form()] = "",
        file: Annotated[list[UploadFile] | None, File()] = None,
    ) -> Response:
        if not account:
            return _page(request, "refused.html", me, status_code=400, post_id=None,
                         reasons=["Choose at least one account to publish to."])  # fmt: skip
        post = svc.create_post(me.id, text, account, authorization_ids=authorization or [])
        chosen = [f for f in file or [] if f.filename]  # no file chosen: an empty part
        if chosen:
            from phigate.web.media_pages import attach_uploads

            try:
                attach_uploads(request, svc, post.id, me.id, chosen)
            except OperationError as error:
                return _page(request, "refused.html", me, reasons=[str(error)], post_id=post.id)
        if submit:
            try:
                svc.submit_post(post.id, me.id)
            except OperationError as error:
                return _page(request, "refused.html", me, reasons=[str(error)], post_id=post.id)
        return RedirectResponse(f"/posts/{post.id}", status_code=303)

    @router.get("/posts", name="my_posts", response_class=HTMLResponse)
    def my_posts(request: Request, me: Me, svc: Service) -> HTMLResponse:
        posts = [p for p in svc.posts() if p.author_id == me.id]
        return _page(
            request, "posts.html", me, posts=posts, training=svc.training(me.id),
            reminders=reminders_for(svc, me.id), today=svc.clock().date(),
        )  # fmt: skip

    @router.get("/posts/{post_id}", name="post_detail", response_class=HTMLResponse)
    def post_detail(request: Request, me: Me, svc: Service, post_id: str) -> HTMLResponse:
        post = _visible_post(svc, me, post_id)
        state: AppState = request.app.state.phigate
        report = state.scanner.scan(post.text)
        gate = svc.gate(post_id, record=False)  # viewing a page is not a gate decision
        from phigate.web.media_pages import attachment_views

        return _page(
            request, "post.html", me, post=post, report=report, marked=highlight(report), gate=gate,
            note=svc.review_note(post_id), authorizations=_auth_choices(svc),
            attachments=attachment_views(request, svc, post),
        )  # fmt: skip

    @router.post("/posts/{post_id}/submit", name="submit_post", dependencies=[Depends(check_csrf)])
    def submit_post(request: Request, me: Me, svc: Service, post_id: str) -> Response:
        try:
            svc.submit_post(post_id, me.id)
        except OperationError as error:
            return _page(request, "refused.html", me, reasons=[str(error)], post_id=post_id)
        return RedirectResponse(f"/posts/{post_id}", status_code=303)

    @router.post(
        "/posts/{post_id}/authorizations",
        name="link_authorization",
        dependencies=[Depends(check_csrf)],
    )
    def link_authorization(
        me: Me, svc: Service, post_id: str, authorization: Annotated[str, Form()]
    ) -> Response:
        post = _visible_post(svc, me, post_id)
        if post.author_id != me.id:
            raise HTTPException(403, "Only the author can link authorizations to a post.")
        svc.link_authorizations(post_id, [authorization], me.id)
        return RedirectResponse(f"/posts/{post_id}", status_code=303)

    @router.get("/review", name="review_queue", response_class=HTMLResponse)
    def review_queue(request: Request, me: Me, svc: Service) -> HTMLResponse:
        from phigate.web.media_pages import attachment_views

        state: AppState = request.app.state.phigate
        items = []
        for post in svc.posts(PostState.IN_REVIEW):
            report = state.scanner.scan(post.text)
            items.append((post, report, highlight(report), svc.gate(post.id, record=False),
                          attachment_views(request, svc, post)))  # fmt: skip
        return _page(request, "review.html", me, items=items)

    @router.post("/posts/{post_id}/review", name="review_post", dependencies=[Depends(check_csrf)])
    def review_post(
        request: Request, me: Me, svc: Service, post_id: str,
        decision: Annotated[str, Form()], note: Annotated[str, Form()] = "",
    ) -> Response:  # fmt: skip
        try:
            _, result = svc.review_post(post_id, me.id, decision, note or None)
        except OperationError as error:
            return _page(request, "refused.html", me, reasons=[str(error)], post_id=post_id)
        if result is not None and not result.allowed:
            return _page(
                request,
                "refused.html",
                me,
                reasons=[str(r) for r in result.reasons],
                post_id=post_id,
            )
        return RedirectResponse("/review", status_code=303)

    @router.post(
        "/posts/{post_id}/schedule", name="schedule_post", dependencies=[Depends(check_csrf)]
    )
    def schedule_post(
        request: Request, me: Me, svc: Service, post_id: str, when: Annotated[str, Form()]
    ) -> Response:
        try:
            moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
            svc.schedule_post(post_id, moment, me.id)
        except ValueError as error:
            return _page(request, "refused.html", me, reasons=[str(error)], post_id=post_id)
        return RedirectResponse(f"/posts/{post_id}", status_code=303)

    @router.get("/privacy", name="privacy_dashboard", response_class=HTMLResponse)
    def privacy_dashboard(request: Request, me: Me, svc: Service) -> HTMLResponse:
        today = svc.clock().date()
        people = [(p, svc.training(p.id)) for p in svc.people()]
        training = Counter(s.state.value for _, s in people)
        authorizations = [(a, check_validity(a, today=today)) for a in svc.authorizations()]
        posts = svc.posts()
        verdicts = Counter(p.scan.verdict for p in posts if p.scan)
        types = Counter(t for p in posts if p.scan for t in p.scan.identifier_types)
        return _page(
            request, "privacy.html", me, people=people, training=training, authorizations=authorizations,
            accounts=svc.accounts(), expiring=svc.expiring_authorizations(30), verdicts=verdicts,
            types=types, states=Counter(p.state.value for p in posts), TrainingState=TrainingState,
            turnaround=_turnaround(posts), reminders=reminders_for(svc, me.id), today=today,
        )  # fmt: skip

    @router.post(
        "/accounts/{account_id}/decide", name="decide_account", dependencies=[Depends(check_csrf)]
    )
    def decide_account(
        request: Request, me: Me, svc: Service, account_id: str, decision: Annotated[str, Form()]
    ) -> Response:
        try:
            svc.decide_account(account_id, decision == "approve", me.id)
        except OperationError as error:
            return _page(request, "refused.html", me, reasons=[str(error)], post_id=None)
        return RedirectResponse("/privacy", status_code=303)

    @router.get("/inbox", name="inbox", response_class=HTMLResponse)
    def inbox(request: Request, me: Me, svc: Service) -> HTMLResponse:
        from phigate.engagement.operations import EngagementOperations

        state: AppState = request.app.state.phigate
        ops = EngagementOperations(svc, state.profile)
        accounts = [a for a in svc.accounts() if a.status.value == "active"]
        return _page(request, "inbox.html", me, items=ops.inbox(), accounts=accounts)

    @router.get("/inbox/{item_id}/drafts", name="inbox_drafts", response_class=HTMLResponse)
    def inbox_drafts(request: Request, me: Me, svc: Service, item_id: str) -> HTMLResponse:
        from phigate.engagement.operations import EngagementOperations

        state: AppState = request.app.state.phigate
        drafts = EngagementOperations(svc, state.profile).drafts(item_id)
        return _page(request, "_drafts.html", me, drafts=drafts, item_id=item_id)

    @router.post("/inbox/{item_id}/reply", name="inbox_reply", dependencies=[Depends(check_csrf)])
    def inbox_reply(
        request: Request, me: Me, svc: Service, item_id: str,
        text: Annotated[str, Form()], account: Annotated[list[str] | None, Form()] = None,
    ) -> Response:  # fmt: skip
        from phigate.engagement.operations import EngagementOperations

        if not account:
            return _page(
                request,
                "refused.html",
                me,
                status_code=400,
                post_id=None,
                reasons=["Choose the account to reply from."],
            )
        state: AppState = request.app.state.phigate
        post = EngagementOperations(svc, state.profile).reply(item_id, me.id, text, account)
        try:
            svc.submit_post(post.id, me.id)
        except OperationError as error:
            return _page(request, "refused.html", me, reasons=[str(error)], post_id=post.id)
        return RedirectResponse(f"/posts/{post.id}", status_code=303)

    @router.get("/incidents", name="incidents", response_class=HTMLResponse)
    def incidents(request: Request, me: Me, svc: Service) -> HTMLResponse:
        from phigate.incidents.operations import IncidentOperations

        ops = IncidentOperations(svc)
        return _page(
            request, "incidents.html", me, incidents=ops.incidents(), board=ops.deadline_board()
        )

    @router.get("/audit", name="audit_log", response_class=HTMLResponse)
    def audit_log(request: Request, me: Me, svc: Service, q: str = "") -> HTMLResponse:
        entries = svc.audit_entries()
        if q:
            needle = q.lower()
            entries = [
                e
                for e in entries
                if needle in e.action.lower()
                or needle in e.subject_id.lower()
                or needle in (e.actor_id or "").lower()
            ]
        return _page(
            request,
            "audit.html",
            me,
            entries=entries[-500:][::-1],
            q=q,
            problems=svc.verify_audit(),
        )

    @router.get("/audit/export.{fmt}", name="audit_export")
    def audit_export(me: Me, svc: Service, fmt: str) -> Response:
        if fmt not in ("csv", "jsonl"):
            raise HTTPException(404, "export as .csv or .jsonl")
        media = "text/csv" if fmt == "csv" else "application/x-ndjson"
        return Response(
            svc.export_audit(fmt),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="phigate-audit.{fmt}"'},
        )

    return router


def _visible_post(svc: ComplianceService, me: Person, post_id: str) -> Any:
    try:
        post = svc.post(post_id)
    except OperationError:
        raise HTTPException(404, "No such post.") from None
    # Authors see their own posts; reviewers, the privacy officer and auditors see all.
    if post.author_id != me.id and not (
        me.roles & {Role.REVIEWER, Role.PRIVACY_OFFICER, Role.AUDITOR}
    ):
        raise HTTPException(404, "No such post.")
    return post


def _auth_choices(svc: ComplianceService) -> list[tuple[str, str]]:
    today = svc.clock().date()
    choices = []
    for auth in svc.authorizations():
        defects = check_validity(auth, today=today)
        label = f"{auth.id} ({'valid' if not defects else ', '.join(d.code for d in defects)})"
        choices.append((auth.id, label))
    return choices


def _turnaround(posts: list[Any]) -> float | None:
    hours = []
    for post in posts:
        submitted = [at for state, at, _ in post.history if state is PostState.SUBMITTED]
        if submitted and post.approval:
            hours.append((post.approval.at - submitted[0]).total_seconds() / 3600)
    return sum(hours) / len(hours) if hours else None


# ---------------------------------------------------------------- API
class ScanRequest(BaseModel):
    text: str = Field(max_length=20_000)
    kind: str = Field(default="post", pattern="^(post|reply)$")
    in_reply_to: str | None = Field(default=None, max_length=20_000)


class PostRequest(BaseModel):
    text: str = Field(max_length=20_000)
    account_ids: list[str]
    authorization_ids: list[str] = []


def _api() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.post("/scan", name="api_scan")
    async def api_scan(request: Request, me: Me, body: ScanRequest) -> dict[str, Any]:
        state: AppState = request.app.state.phigate
        return state.scanner.scan(body.text, body.kind, body.in_reply_to).to_dict()

    @router.get("/posts", name="api_posts")
    def api_posts(me: Me, svc: Service) -> list[dict[str, Any]]:
        visible = me.roles & {Role.REVIEWER, Role.PRIVACY_OFFICER, Role.AUDITOR}
        return [
            {
                "id": p.id,
                "state": p.state.value,
                "author_id": p.author_id,
                "scan": p.scan.verdict if p.scan else None,
            }
            for p in svc.posts()
            if visible or p.author_id == me.id
        ]

    @router.post("/posts", name="api_create_post", status_code=201)
    def api_create_post(me: Me, svc: Service, body: PostRequest) -> dict[str, Any]:
        post = svc.create_post(
            me.id, body.text, body.account_ids, authorization_ids=body.authorization_ids
        )
        return {"id": post.id, "state": post.state.value}

    @router.get("/posts/{post_id}/gate", name="api_post_gate")
    def api_post_gate(me: Me, svc: Service, post_id: str) -> dict[str, Any]:
        _visible_post(svc, me, post_id)
        decision = svc.gate(post_id)
        return {
            "allowed": decision.allowed,
            "reasons": [
                {"code": r.code, "message": r.message, "citation": r.citation}
                for r in decision.reasons
            ],
        }

    @router.get("/authorizations", name="api_authorizations")
    def api_authorizations(me: Me, svc: Service) -> list[dict[str, Any]]:
        today = svc.clock().date()
        return [
            {"id": a.id, "patient_id": a.patient_id, "expires_on": a.expires_on.isoformat() if a.expires_on else None,
             "platforms": sorted(a.platforms), "defects": [d.code for d in check_validity(a, today=today)]}
            for a in svc.authorizations()
        ]  # fmt: skip

    @router.get("/audit/verify", name="api_audit_verify")
    def api_audit_verify(me: Me, svc: Service) -> dict[str, Any]:
        problems = svc.verify_audit()
        return {"intact": not problems, "problems": [p.__dict__ for p in problems]}

    return router
