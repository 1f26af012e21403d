"""Incident and report commands for the privacy officer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from phigate.cli_admin import ActingAs, _actor, open_service
from phigate.incidents.assessment import Determination, Factor, FactorAnswer, Risk
from phigate.incidents.deadlines import DeadlineState, Recipient
from phigate.incidents.operations import IncidentOperations

console = Console()
incidents_app = typer.Typer(
    help="Incidents, breach assessment and notices (45 CFR 164.400-414).", no_args_is_help=True
)
reports_app = typer.Typer(help="Compliance reports.", no_args_is_help=True)
STATE_STYLE = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.DONE: "green",
    DeadlineState.DUE: "",
}


@incidents_app.command("open")
def incidents_open(
    acting: ActingAs,
    summary: Annotated[str, typer.Option(help="What happened, without patient details.")],
    post: Annotated[str | None, typer.Option(help="The published post that disclosed PHI.")] = None,
    discovered: Annotated[
        datetime | None, typer.Option(help="When it was discovered (default now).")
    ] = None,
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Identifier types, for a complaint.")
    ] = None,
    platform: Annotated[list[str] | None, typer.Option("--platform")] = None,
) -> None:
    """Open an incident from a published post, or from a complaint entered by hand."""
    with open_service() as service:
        ops = IncidentOperations(service)
        when = (discovered or datetime.now(UTC)).astimezone(UTC)
        actor = _actor(service, acting)
        if post:
            incident = ops.open_from_post(post, when, actor, summary)
        else:
            incident = ops.open_from_complaint(
                when, actor, summary, tuple(types or ()), tuple(platform or ())
            )
    console.print(
        f"opened {incident.id}; discovered on {incident.discovered_on} (the notification clock starts then)"
    )


@incidents_app.command("contain")
def incidents_contain(
    incident_id: str, platform: str, acting: ActingAs, action: str = "taken down"
) -> None:
    with open_service() as service:
        IncidentOperations(service).contain(incident_id, platform, action, _actor(service, acting))
    console.print("recorded")


@incidents_app.command("assess")
def incidents_assess(
    incident_id: str,
    acting: ActingAs,
    determination: Determination,
    rationale: str,
    factor: Annotated[
        list[str], typer.Option(help="FACTOR=RISK:notes, one per factor of 164.402(2).")
    ],
) -> None:
    """Record and sign the four-factor risk assessment; refused, with reasons, if incomplete."""
    answers = []
    for item in factor:
        try:
            name, rest = item.split("=", 1)
            risk, notes = rest.split(":", 1)
            answers.append(FactorAnswer(Factor(name), Risk(risk), notes))
        except ValueError:
            console.print(
                f"[red]error:[/] '{item}' is not FACTOR=RISK:notes (factors: {', '.join(Factor)}; risks: {', '.join(Risk)})"
            )
            raise typer.Exit(3) from None
    with open_service() as service:
        IncidentOperations(service).assess(
            incident_id, tuple(answers), determination, rationale, _actor(service, acting)
        )
    console.print("assessment signed")


@incidents_app.command("notify")
def incidents_notify(
    incident_id: str,
    recipient: Recipient,
    sent_on: datetime,
    method: str,
    acting: ActingAs,
    jurisdiction: str | None = None,
) -> None:
    with open_service() as service:
        IncidentOperations(service).notify(
            incident_id, recipient, sent_on.date(), method, _actor(service, acting), jurisdiction
        )
    console.print("recorded")


@incidents_app.command("sanction")
def incidents_sanction(incident_id: str, person: str, action: str, acting: ActingAs) -> None:
    """Record a sanction applied to a workforce member (45 CFR 164.530(e))."""
    with open_service() as service:
        IncidentOperations(service).sanction(
            incident_id, _actor(service, person), action, _actor(service, acting)
        )
    console.print("recorded")


@incidents_app.command("close")
def incidents_close(incident_id: str, acting: ActingAs) -> None:
    with open_service() as service:
        IncidentOperations(service).close(incident_id, _actor(service, acting))
    console.print("closed")


@incidents_app.command("list")
def incidents_list() -> None:
    """Incidents and their notification deadlines; overdue in red."""
    with open_service() as service:
        board = IncidentOperations(service).deadline_board()
        incidents = IncidentOperations(service).incidents()
    table = Table("incident", "status", "discovered", "notice to", "due", "state")
    shown = set()
    for incident, deadline, state in board:
        shown.add(incident.id)
        table.add_row(
            incident.id,
            incident.status.value,
            str(incident.discovered_on),
            deadline.recipient.value,
            str(deadline.due),
            f"[{STATE_STYLE[state]}]{state.value}[/]" if STATE_STYLE[state] else state.value,
        )
    for incident in incidents:
        if incident.id not in shown:
            table.add_row(
                incident.id,
                incident.status.value,
                str(incident.discovered_on),
                "-",
                "-",
                "not a breach" if not incident.is_breach else "-",
            )
    console.print(table)


@incidents_app.command("notice")
def incidents_notice(
    incident_id: str,
    details: Path,
    recipient_name: str,
    output: Annotated[Path, typer.Option("--output", "-o")],
) -> None:
    """Draft the notice to an individual (every element of 164.404(c)) from a JSON of the wording."""
    from phigate.incidents.notices import NoticeDetails, individual_notice_pdf

    try:
        wording = NoticeDetails(**json.loads(details.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        console.print(
            f"[red]error:[/] {details.name} must hold organization, what_happened, information_involved, steps_for_you, what_we_are_doing, contact ({error})"
        )
        raise typer.Exit(3) from None
    with open_service() as service:
        incident = IncidentOperations(service).incident(incident_id)
    output.write_bytes(individual_notice_pdf(incident, wording, recipient_name))
    console.print(f"wrote {output}")


@incidents_app.command("hhs-log")
def incidents_hhs_log(
    output: Annotated[Path, typer.Option("--output", "-o")], year: int | None = None
) -> None:
    """The HHS breach log (45 CFR 164.408(c)) as CSV."""
    from phigate.incidents.notices import hhs_breach_log_csv

    with open_service() as service:
        incidents = [
            i
            for i in IncidentOperations(service).incidents()
            if year is None or i.discovered_on.year == year
        ]
    output.write_text(hhs_breach_log_csv(incidents), encoding="utf-8")
    console.print(f"wrote {output}")


@incidents_app.command("evidence")
def incidents_evidence(
    incident_id: str, output: Annotated[Path, typer.Option("--output", "-o")]
) -> None:
    """Evidence for an OCR investigation, with the audit hash-chain proof, as a zip."""
    with open_service() as service:
        output.write_bytes(IncidentOperations(service).evidence_export(incident_id))
    console.print(f"wrote {output}")


@incidents_app.command("penalty")
def incidents_penalty(tier: str, violations: int, on: datetime | None = None) -> None:
    """Estimate civil money penalty exposure by culpability tier (A, B, C or D)."""
    from phigate.incidents.penalties import Tier, estimate

    tiers = {"A": Tier.A, "B": Tier.B, "C": Tier.C, "D": Tier.D}
    if tier.upper() not in tiers:
        console.print("[red]error:[/] the tier is A, B, C or D")
        raise typer.Exit(3)
    try:
        result = estimate(tiers[tier.upper()], violations, (on or datetime.now(UTC)).date())
    except ValueError as error:
        console.print(f"[red]error:[/] {error}")
        raise typer.Exit(3) from None
    console.print(f"[bold]{result.label}[/]\n${result.low:,} to ${result.high:,} ({result.table}); "
                  f"${result.high_under_enforcement_discretion:,} at most under OCR's 2019 enforcement discretion")  # fmt: skip


@reports_app.command("compliance")
def reports_compliance(
    output: Annotated[Path, typer.Option("--output", "-o", help="report.pdf or report.csv")],
    start: Annotated[datetime, typer.Option("--from")],
    end: Annotated[datetime, typer.Option("--to")],
    organization: str = "Our organization",
) -> None:
    """The compliance report for a period, as PDF (with charts) or CSV."""
    from phigate.incidents.report_pdf import compliance_report_pdf

    with open_service() as service:
        ops = IncidentOperations(service)
        report = ops.compliance_report(start.date(), end.date())
        if output.suffix.lower() == ".csv":
            output.write_text(ops.compliance_report_csv(report), encoding="utf-8")
        else:
            output.write_bytes(compliance_report_pdf(report, organization))
    console.print(f"wrote {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(incidents_app, name="incidents")
    app.add_typer(reports_app, name="reports")
