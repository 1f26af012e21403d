"""Drafts of the notice to individuals (every element of 45 CFR 164.404(c)) and the HHS breach log."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fpdf import FPDF

from phigate.incidents.incident import Incident


@dataclass(frozen=True)
class NoticeDetails:
    organization: str
    what_happened: str  # plain words, no more PHI than the individual's own
    information_involved: str  # "your first name, a photo and the date of your visit"
    steps_for_you: str
    what_we_are_doing: str
    contact: (
        str  # must include a toll-free number, email, website or postal address (164.404(c)(1)(E))
    )


def individual_notice_pdf(incident: Incident, details: NoticeDetails, recipient_name: str) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def para(title: str, body: str) -> None:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, _latin(body), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(
        0,
        8,
        _latin(f"Notice of a privacy incident - {details.organization}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _latin(f"Dear {recipient_name},"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    breach_dates = (
        ", ".join(sorted({c.at.date().isoformat() for c in incident.containment})) or "see below"
    )
    para(
        "What happened (164.404(c)(1)(A))",
        f"{details.what_happened} We discovered it on {incident.discovered_on.isoformat()}. "
        f"It was removed on: {breach_dates}.",
    )
    para("What information was involved (164.404(c)(1)(B))", details.information_involved)
    para("What you can do (164.404(c)(1)(C))", details.steps_for_you)
    para("What we are doing (164.404(c)(1)(D))", details.what_we_are_doing)
    para("How to reach us (164.404(c)(1)(E))", details.contact)
    return bytes(pdf.output())


HHS_LOG_COLUMNS = (
    "incident_id", "discovered_on", "breach_dates", "individuals_affected", "type_of_breach",
    "location_of_breached_information", "identifier_types", "safeguards_and_actions", "notified_individuals_on",
)  # fmt: skip


def hhs_breach_log_csv(incidents: list[Incident]) -> str:
    """One row per breach, with the fields the HHS breach portal asks for; no PHI."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HHS_LOG_COLUMNS)
    for incident in incidents:
        if not incident.is_breach:
            continue
        individual = next(
            (
                n.sent_on.isoformat()
                for n in incident.notifications
                if n.recipient.value == "individuals"
            ),
            "",
        )
        writer.writerow(
            [
                incident.id, incident.discovered_on.isoformat(),
                ";".join(sorted({c.at.date().isoformat() for c in incident.containment})),
                incident.affected, "Unauthorized Access/Disclosure", "Social media: " + ", ".join(incident.platforms),
                ";".join(incident.identifier_types), "; ".join(c.action + " on " + c.platform for c in incident.containment),
                individual,
            ]
        )  # fmt: skip
    return out.getvalue()


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
