"""Administration commands: the organization, people, training, accounts, authorizations, posts and
the audit trail. Each command is one transaction; `--as EMAIL` names the person acting, who is
recorded in the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from phigate.compliance.authorizations import ContentKind, check_validity
from phigate.compliance.people import Role
from phigate.service import ComplianceService, OperationError, new_id, rotate_keys

console = Console()
ActingAs = Annotated[str, typer.Option("--as", help="Email of the person doing this (audited).")]

people_app = typer.Typer(help="Staff and their roles.", no_args_is_help=True)
training_app = typer.Typer(help="Privacy training (45 CFR 164.530(b)).", no_args_is_help=True)
accounts_app = typer.Typer(help="The organization's social accounts.", no_args_is_help=True)
patients_app = typer.Typer(help="Patients (stored encrypted).", no_args_is_help=True)
auth_app = typer.Typer(help="Patient authorizations (45 CFR 164.508).", no_args_is_help=True)
posts_app = typer.Typer(help="Posts: create, submit, review, check the gate.", no_args_is_help=True)
audit_app = typer.Typer(
    help="The hash-chained audit trail (45 CFR 164.530(j)).", no_args_is_help=True
)
keys_app = typer.Typer(help="Encryption keys for data at rest.", no_args_is_help=True)


@contextmanager
def open_service() -> Iterator[ComplianceService]:
    """A migrated database, the configured keys and one transaction; errors end the command cleanly."""
    from phigate.storage.crypto import KeyError_, Vault
    from phigate.storage.database import data_dir, make_engine, migrate, session_factory

    try:
        vault = Vault.from_environment(data_dir() / "encryption.key")
        engine = make_engine()
        migrate(engine)
        with session_factory(engine)() as session:
            try:
                yield ComplianceService(session, vault)
            except OperationError:
                # Operations check before they change anything, so what a refusal leaves behind
                # is its audit entry: the trail must show refused attempts too.
                session.commit()
                raise
            session.commit()
    except (OperationError, KeyError_) as error:
        console.print(f"[red]refused:[/] {error}")
        raise typer.Exit(3) from None


def _actor(service: ComplianceService, email: str) -> str:
    return service.person_by_email(email).id


@people_app.command("add")
def people_add(
    name: str,
    email: str,
    role: Annotated[
        list[Role], typer.Option("--role", help="author, reviewer, privacy_officer, admin, auditor")
    ],
    acting: Annotated[str | None, typer.Option("--as")] = None,
) -> None:
    """Add a person with one or more roles."""
    with open_service() as service:
        actor = _actor(service, acting) if acting else None
        person = service.add_person(name, email, set(role), actor)
        console.print(f"added {person.id} ({', '.join(sorted(r.value for r in person.roles))})")


@people_app.command("list")
def people_list() -> None:
    """Everyone, with their training status."""
    with open_service() as service:
        table = Table("id", "name", "email", "roles", "training", "due")
        for person in service.people():
            status = service.training(person.id)
            table.add_row(
                person.id, person.name, person.email, ", ".join(sorted(person.roles)),
                status.state.value, status.due_on.isoformat() if status.due_on else "-",
            )  # fmt: skip
        console.print(table)


@training_app.command("import")
def training_import(csv_file: Path, acting: ActingAs) -> None:
    """Import completions from an LMS export: email,course,completed_on,score,policy_version."""
    try:
        content = csv_file.read_text(encoding="utf-8-sig")
    except OSError as error:
        console.print(f"[red]error:[/] cannot read {csv_file}: {error.strerror}")
        raise typer.Exit(3) from None
    with open_service() as service:
        imported, problems = service.import_training(content, _actor(service, acting))
    console.print(f"imported {imported} completion(s)")
    for problem in problems:
        console.print(f"[yellow]line {problem.line}:[/] {problem.message}")
    if problems:
        raise typer.Exit(3)


@accounts_app.command("request")
def accounts_request(platform: str, handle: str, owner: str, acting: ActingAs) -> None:
    """Ask to open a social account; a privacy officer must approve it."""
    with open_service() as service:
        account = service.request_account(
            platform, handle, _actor(service, owner), _actor(service, acting)
        )
        console.print(f"requested {account.id}: {account.platform} {account.handle}")


@accounts_app.command("approve")
def accounts_approve(account_id: str, acting: ActingAs, reject: bool = False) -> None:
    with open_service() as service:
        account = service.decide_account(account_id, not reject, _actor(service, acting))
        console.print(f"{account.id} is {account.status.value}")


@accounts_app.command("suspend")
def accounts_suspend(account_id: str, acting: ActingAs) -> None:
    with open_service() as service:
        account = service.suspend_account(account_id, _actor(service, acting))
        console.print(f"{account.id} is {account.status.value}")


@accounts_app.command("grant")
def accounts_grant(account_id: str, person: str, acting: ActingAs) -> None:
    """Give a person posting rights on one account."""
    with open_service() as service:
        service.grant_posting_rights(_actor(service, person), account_id, _actor(service, acting))
        console.print("granted")


@accounts_app.command("list")
def accounts_list() -> None:
    with open_service() as service:
        table = Table("id", "platform", "handle", "status")
        for account in service.accounts():
            table.add_row(account.id, account.platform, account.handle, account.status.value)
        console.print(table)


@patients_app.command("add")
def patients_add(name: str, acting: ActingAs) -> None:
    with open_service() as service:
        console.print(service.add_patient(name, _actor(service, acting)))


@auth_app.command("add")
def authorizations_add(
    record: Annotated[Path, typer.Argument(help="JSON with every 164.508(c) element")],
    acting: ActingAs,
    form: Annotated[Path | None, typer.Option(help="The signed form (PDF or image).")] = None,
) -> None:
    """Record a signed authorization and report any defect by name."""
    from phigate.service import _auth_from_json

    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        data.setdefault("id", new_id("auth"))
        auth = _auth_from_json(data)
        signed = form.read_bytes() if form else None
    except (OSError, ValueError, TypeError, KeyError) as error:
        console.print(
            f"[red]error:[/] {record.name} is not a complete authorization record: {error}"
        )
        raise typer.Exit(3) from None
    media = (
        "application/pdf" if form and form.suffix.lower() == ".pdf" else "image/*" if form else None
    )
    with open_service() as service:
        saved = service.record_authorization(auth, _actor(service, acting), signed, media)
        defects = check_validity(saved, today=service.clock().date())
    console.print(f"recorded {saved.id}")
    for defect in defects:
        console.print(f"[red]defect {defect.code}:[/] {defect}")
    if defects:
        raise typer.Exit(1)


@auth_app.command("check")
def authorizations_check(
    authorization_id: str,
    platform: str | None = None,
    content: Annotated[list[ContentKind] | None, typer.Option("--content")] = None,
) -> None:
    """Every defect by name, for a platform and content kinds if given."""
    with open_service() as service:
        auth = service.authorization(authorization_id)
        defects = check_validity(
            auth,
            today=service.clock().date(),
            platform=platform,
            content_kinds=frozenset(content or []),
        )
    if not defects:
        console.print("[green]valid[/]")
        return
    for defect in defects:
        console.print(f"[red]{defect.code}:[/] {defect}")
    raise typer.Exit(1)


@auth_app.command("revoke")
def authorizations_revoke(
    authorization_id: str, received_by: str, method: str, acting: ActingAs
) -> None:
    """Record a written revocation; it takes effect at once (45 CFR 164.508(b)(5))."""
    from phigate.incidents.operations import revoke_authorization

    with open_service() as service:
        effect, incident = revoke_authorization(
            service, authorization_id, _actor(service, received_by), method, _actor(service, acting)
        )
    console.print(f"revoked; {len(effect.blocked_post_ids)} unpublished post(s) stopped")
    for post_id in effect.takedown_post_ids:
        console.print(f"[red]take down:[/] {post_id} is published and relies on it")
    if incident is not None:
        console.print(f"[red]incident {incident.id} opened[/] for the live post(s)")


@auth_app.command("expiring")
def authorizations_expiring(days: int = 30) -> None:
    with open_service() as service:
        for item in service.expiring_authorizations(days):
            console.print(
                f"{item.authorization_id} expires {item.expires_on} ({item.days_left} days)"
            )


@auth_app.command("form")
def authorizations_form(
    patient: str,
    campaign: str,
    output: Annotated[Path, typer.Option("--output", "-o")],
    organization: Annotated[str, typer.Option()] = "Our organization",
    information: Annotated[str, typer.Option()] = "Your first name, photos and your story.",
    platform: Annotated[list[str] | None, typer.Option("--platform")] = None,
    purpose: Annotated[str, typer.Option()] = "To share your story on our social media accounts.",
    expires: Annotated[str, typer.Option()] = "One year from the date you sign.",
    paid_by: Annotated[
        str | None, typer.Option(help="A third party paying for this marketing.")
    ] = None,
) -> None:
    """Write a blank authorization form with every element 164.508(c) requires."""
    from phigate.compliance.forms import FormRequest, blank_form_pdf

    platforms = tuple(platform or ["Facebook", "Instagram"])
    pdf = blank_form_pdf(
        FormRequest(
            organization, patient, campaign, information, platforms, purpose, expires, paid_by
        )
    )
    output.write_bytes(pdf)
    console.print(f"wrote {output}")


@posts_app.command("create")
def posts_create(
    text: str,
    acting: ActingAs,
    account: Annotated[list[str], typer.Option("--account")],
    authorization: Annotated[list[str] | None, typer.Option("--authorization")] = None,
) -> None:
    with open_service() as service:
        post = service.create_post(
            _actor(service, acting), text, account, authorization_ids=authorization
        )
        console.print(post.id)


@posts_app.command("submit")
def posts_submit(post_id: str, acting: ActingAs) -> None:
    with open_service() as service:
        _, reasons = service.submit_post(post_id, _actor(service, acting))
    console.print("submitted for review")
    for reason in reasons:
        console.print(f"[yellow]the gate would refuse:[/] {reason}")


@posts_app.command("review")
def posts_review(
    post_id: str,
    decision: Annotated[str, typer.Argument(help="approve, request_changes or reject")],
    acting: ActingAs,
    note: str | None = None,
) -> None:
    with open_service() as service:
        post, result = service.review_post(post_id, _actor(service, acting), decision, note)
    if result is not None and not result.allowed:
        console.print("[red]approval refused:[/]")
        for reason in result.reasons:
            console.print(f"  • {reason}")
        raise typer.Exit(1)
    console.print(f"{post.id} is {post.state.value}")


@posts_app.command("check")
def posts_check(post_id: str) -> None:
    """Run the gate now and print every reason the post may not be published."""
    with open_service() as service:
        decision = service.gate(post_id)
    if decision.allowed:
        console.print("[green]may be published[/]")
        return
    for reason in decision.reasons:
        console.print(f"[red]{reason.code}:[/] {reason}")
    raise typer.Exit(1)


@posts_app.command("list")
def posts_list() -> None:
    with open_service() as service:
        table = Table("id", "state", "scan", "accounts")
        for post in service.posts():
            table.add_row(
                post.id,
                post.state.value,
                post.scan.verdict if post.scan else "-",
                ", ".join(post.account_ids),
            )
        console.print(table)


@audit_app.command("verify")
def audit_verify() -> None:
    """Detect any altered, deleted or reordered entry."""
    with open_service() as service:
        problems = service.verify_audit()
        count = len(service.audit_entries())
    if not problems:
        console.print(f"[green]intact:[/] {count} entries, hash chain verified")
        return
    for problem in problems:
        console.print(f"[red]entry {problem.seq} {problem.kind}:[/] {problem.message}")
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    output: Annotated[Path, typer.Option("--output", "-o")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
) -> None:
    with open_service() as service:
        output.write_text(service.export_audit(fmt), encoding="utf-8")
    console.print(f"wrote {output}")


@audit_app.command("purge")
def audit_purge(before: datetime, acting: ActingAs) -> None:
    """Remove entries older than a date; refused inside the six-year retention period."""
    with open_service() as service:
        removed = service.purge_audit(before.astimezone(), _actor(service, acting))
    console.print(f"purged {removed} entries")


@keys_app.command("new")
def keys_new() -> None:
    """Print a new encryption key, to put first in PHIGATE_ENCRYPTION_KEYS."""
    from phigate.storage.crypto import new_key

    console.print(new_key())


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt all stored data with the first configured key."""
    with open_service() as service:
        count = rotate_keys(service.session, service.vault)
        service.record(None, "keys.rotated", "keys", "all", values=count)
    console.print(f"re-encrypted {count} values")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(people_app, name="people")
    app.add_typer(training_app, name="training")
    app.add_typer(accounts_app, name="accounts")
    app.add_typer(patients_app, name="patients")
    app.add_typer(auth_app, name="authorizations")
    app.add_typer(posts_app, name="posts")
    app.add_typer(audit_app, name="audit")
    app.add_typer(keys_app, name="keys")
    app.add_typer(inbox_app, name="inbox")


inbox_app = typer.Typer(help="Comments and reviews from the public.", no_args_is_help=True)


@inbox_app.command("import")
def inbox_import(
    export: Path,
    acting: ActingAs,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
) -> None:
    """Import a review or comment export: platform,kind,author,text,external_id[,received_at,rating]."""
    from phigate.engagement.operations import EngagementOperations

    try:
        content = export.read_text(encoding="utf-8-sig")
    except OSError as error:
        console.print(f"[red]error:[/] cannot read {export}: {error.strerror}")
        raise typer.Exit(3) from None
    with open_service() as service:
        imported, problems = EngagementOperations(service).import_export(
            content, fmt, _actor(service, acting)
        )
    console.print(f"imported {imported} item(s)")
    for problem in problems:
        console.print(f"[yellow]line {problem.line}:[/] {problem.message}")
    if problems:
        raise typer.Exit(3)


@inbox_app.command("poll")
def inbox_poll() -> None:
    """Fetch new comments, replies and mentions from every connected account now."""
    from phigate.jobs import inbox_poller

    results = inbox_poller().poll()  # here, in this process: no worker needed
    for result in results:
        if result.error:
            console.print(f"[red]{result.account_id}: {result.error}[/]")
        else:
            console.print(
                f"{result.account_id}: {result.stored} new of {result.fetched} fetched, "
                f"{result.flagged} with a commenter's own health details"
            )
    if not results:
        console.print("no connected account can be read (store credentials first)")
    if any(result.error for result in results):
        raise typer.Exit(1)


def init(
    organization: Annotated[str, typer.Option("--org", help="The organization's name.")],
    admin_name: Annotated[str, typer.Option()],
    admin_email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create the organization and its first privacy officer and admin, with two-factor sign-in."""
    from phigate.signin import enroll_totp, set_password
    from phigate.storage.models import SettingRow

    with open_service() as service:
        if service.session.get(SettingRow, "organization") is not None:
            raise OperationError("the organization already exists in this database")
        service.session.add(SettingRow(key="organization", value=organization))
        person = service.add_person(admin_name, admin_email, {Role.ADMIN, Role.PRIVACY_OFFICER})
        set_password(service, person.id, password)
        uri = enroll_totp(service, person.id)
        service.record(person.id, "organization.created", "organization", "1")
    console.print(f"created {organization}; {admin_email} is its admin and privacy officer")
    console.print(f"add this to an authenticator app for two-factor sign-in:\n{uri}")
