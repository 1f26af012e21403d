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
    service_url: Annotated[
        str, typer.Option(help="Bluesky: the PDS, e.g. https://bsky.social")
    ] = "https://bsky.social",
    handle: Annotated[str, typer.Option()] = "",
    app_password: Annotated[str, typer.Option(prompt=True, hide_input=True)] = "",
) -> None:
    """Store an account's credentials, encrypted."""
    from phigate.jobs import publisher

    with open_service() as service:
        actor = _actor(service, acting)
    publisher().store_credentials(
        account_id,
        {"service_url": service_url, "handle": handle, "app_password": app_password},
        actor,
    )
    console.print("stored (encrypted)")


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
