"""Publishing commands: account credentials, publish what is due, publish one post, take one down."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from phigate.cli_admin import ActingAs, _actor, open_service

console = Console()
publish_app = typer.Typer(help="Publish approved posts and take them down.", no_args_is_help=True)


@publish_app.command("credentials")
def set_credentials(
    account_id: str,
    acting: ActingAs,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="NAME=VALUE for one credential field (repeatable); secret fields left out are asked for without echo.",
        ),
    ] = None,
) -> None:
    """Store an account's credentials, encrypted. `phigate publish platforms` lists the fields."""
    from phigate.jobs import publisher
    from phigate.publishing.registry import PLATFORMS

    given: dict[str, str] = {}
    for item in field or []:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {name!r}", param_hint="--set")
        given[name.strip()] = raw
    with open_service() as service:
        actor = _actor(service, acting)
        account = next((a for a in service.accounts() if a.id == account_id), None)
    if account is None:
        raise typer.BadParameter(f"no account with id {account_id}", param_hint="ACCOUNT_ID")
    spec = PLATFORMS.get(account.platform)
    if spec is None:
        raise typer.BadParameter(
            f"phigate has no connector for {account.platform!r}", param_hint="ACCOUNT_ID"
        )
    unknown = sorted(set(given) - {f.name for f in spec.fields})
    if unknown:
        names = ", ".join(f.name for f in spec.fields)
        raise typer.BadParameter(
            f"{spec.title} has no credential field {', '.join(unknown)} (it has: {names})",
            param_hint="--set",
        )
    credentials: dict[str, str] = {}
    for f in spec.fields:
        value: str | None = given.get(f.name)
        if value is None and f.secret:
            # An optional secret (a refresh token) may be left empty by pressing Enter.
            value = typer.prompt(
                f"{f.name} ({f.help})", hide_input=True, default=f.default, show_default=False
            )
        if value is None:
            value = f.default
        if value is None:
            raise typer.BadParameter(f"{spec.title} needs {f.name}: {f.help}", param_hint="--set")
        credentials[f.name] = value
    publisher().store_credentials(account_id, credentials, actor)
    console.print(f"stored (encrypted): {', '.join(credentials)}")


@publish_app.command("platforms")
def platforms() -> None:
    """The platforms phigate publishes to and the credential fields each needs."""
    from rich.markup import escape

    from phigate.publishing.registry import PLATFORMS

    for spec in PLATFORMS.values():
        console.print(f"[bold]{spec.name}[/bold]  {escape(spec.title)}")
        for f in spec.fields:
            flags = " (secret)" if f.secret else ""
            default = f" (default: {f.default})" if f.default else ""
            console.print(f"    {f.name}{flags}: {escape(f.help)}{escape(default)}")


@publish_app.command("due")
def publish_due() -> None:
    """Publish every scheduled post whose time has come (what the scheduler runs each minute)."""
    from phigate.jobs import publish_due_posts

    console.print(json.dumps(publish_due_posts.delay().get()))


@publish_app.command("post")
def publish_one(post_id: str) -> None:
    """Publish one approved post now, after running the gate again."""
    from phigate.jobs import publisher

    outcome = publisher().publish(post_id)
    for reason in outcome.refused:
        console.print(f"[red]refused:[/] {reason}")
    for account, reason in outcome.failed:
        console.print(f"[red]failed on {account}:[/] {reason}")
    for account, reason, _ in outcome.retry:
        console.print(f"[yellow]will retry {account}:[/] {reason}")
    for account in outcome.published:
        console.print(f"[green]published[/] to {account}")
    if outcome.refused or outcome.failed:
        raise typer.Exit(1)


@publish_app.command("takedown")
def takedown(post_id: str, acting: ActingAs) -> None:
    """Delete a published post from every platform it went to."""
    from phigate.jobs import publisher

    with open_service() as service:
        actor = _actor(service, acting)
    for platform, at in publisher().takedown(post_id, actor).items():
        console.print(f"removed from {platform} at {at:%Y-%m-%d %H:%M:%S} UTC")


@publish_app.command("failed")
def failed() -> None:
    """Posts a platform refused for good, with the reason per account (they stay unpublished)."""
    from phigate.jobs import publisher

    for post_id, accounts in publisher().failed_posts().items():
        for account, reason in accounts:
            console.print(f"{post_id} on {account}: [red]{reason}[/]")


@publish_app.command("retry")
def retry(post_id: str, acting: ActingAs) -> None:
    """Let a failed post go again once its cause is fixed (a new token, an accepted text)."""
    from phigate.jobs import publisher

    with open_service() as service:
        actor = _actor(service, acting)
    count = publisher().retry_failed(post_id, actor)
    console.print(f"{count} account(s) will be tried again at the next run")


def register(app: typer.Typer) -> None:
    app.add_typer(publish_app, name="publish")
    app.command("takedown")(takedown)  # `phigate takedown ID`: the incident runbook's words
