"""`phigate reminders send`: what the daily reminder job does, run by hand or from cron."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from phigate.cli_admin import open_service
from phigate.notifications.delivery import Outcome, send_reminders
from phigate.notifications.mailer import MailConfigError, MailSettings

console = Console()
reminders_app = typer.Typer(
    help="Training, authorization, breach-notice and account-request reminders.",
    no_args_is_help=True,
)
OUTCOME_STYLE = {
    Outcome.MAILED: "green",
    Outcome.RECORDED: "green",
    Outcome.FAILED: "bold red",
    Outcome.ALREADY_SENT: "dim",
    Outcome.WOULD_MAIL: "",
    Outcome.WOULD_RECORD: "",
}


@reminders_app.command("send")
def reminders_send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; send and record nothing.")
    ] = False,
) -> None:
    """Send the due reminders: by mail when PHIGATE_SMTP_URL is set, otherwise recorded for the web
    app. A reminder already sent in the last seven days is not sent again."""
    try:
        settings = MailSettings.from_environment()
    except MailConfigError as error:
        console.print(f"[red]refused:[/] {error}")
        raise typer.Exit(3) from None
    with open_service() as service:
        deliveries = send_reminders(service, settings, dry_run=dry_run)
        if dry_run:
            service.session.rollback()  # nothing of a dry run is kept
    # Recipients and subjects: staff addresses, ids and dates, never a patient's details.
    table = Table("recipient", "kind", "subject", "due", "outcome")
    for d in deliveries:
        table.add_row(
            f"{d.reminder.recipient_id} <{d.recipient_email}>",
            d.reminder.kind.value,
            d.reminder.subject,
            d.reminder.due_on.isoformat(),
            f"[{OUTCOME_STYLE[d.outcome]}]{d.outcome.value}[/]"
            if OUTCOME_STYLE[d.outcome]
            else d.outcome.value,
        )
    console.print(table)
    where = "mail" if settings is not None else "the web app (PHIGATE_SMTP_URL is not set)"
    console.print(
        f"{len(deliveries)} reminder(s) due; "
        + ("dry run, nothing sent" if dry_run else f"delivered by {where}")
    )
    if any(d.outcome is Outcome.FAILED for d in deliveries):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(reminders_app, name="reminders")
