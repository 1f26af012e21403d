"""The compliance report as a PDF: figures as bar charts where people would rather look than read."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF


def compliance_report_pdf(report: dict[str, Any], organization: str) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0,
        10,
        _latin(f"Social media compliance report - {organization}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    start, end = report["period"]
    pdf.cell(0, 6, f"Period: {start} to {end}", new_x="LMARGIN", new_y="NEXT")
    chain = "verified intact" if report["audit_chain_intact"] else "BROKEN - see the audit log"
    pdf.cell(
        0, 6, f"Audit trail hash chain (45 CFR 164.530(j)): {chain}", new_x="LMARGIN", new_y="NEXT"
    )
    for title, key in (
        ("Training compliance (45 CFR 164.530(b))", "training"),
        ("Posts by scan verdict", "posts_by_verdict"),
        ("Findings by identifier type (45 CFR 164.514(b)(2))", "findings_by_type"),
        ("Posts by state", "posts_by_state"),
        ("Authorizations (45 CFR 164.508)", "authorizations"),
    ):
        _bars(pdf, title, report[key])
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(
        0,
        8,
        "Incidents and notification deadlines (45 CFR 164.404-164.408)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    if not report["incidents"]:
        pdf.cell(0, 6, "No incidents in the period.", new_x="LMARGIN", new_y="NEXT")
    for incident in report["incidents"]:
        pdf.set_text_color(0, 0, 0)
        pdf.cell(
            0,
            6,
            f"{incident['id']}: {incident['status']}, {'breach' if incident['breach'] else 'not a breach'}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        for deadline in incident["deadlines"]:
            overdue = deadline["state"] == "overdue"
            pdf.set_text_color(180, 30, 30) if overdue else pdf.set_text_color(60, 60, 60)
            pdf.cell(
                0,
                5,
                f"    {deadline['recipient']}: due {deadline['due']} ({deadline['state']})",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def _bars(pdf: FPDF, title: str, counts: dict[str, int]) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    if not counts:
        pdf.cell(0, 5, "none", new_x="LMARGIN", new_y="NEXT")
        return
    largest = max(counts.values()) or 1
    for label, value in sorted(counts.items(), key=lambda kv: -kv[1]):
        y = pdf.get_y()
        pdf.cell(45, 5, _latin(str(label)))
        pdf.set_fill_color(31, 95, 191)
        width = 110 * value / largest
        if width > 0:
            pdf.rect(pdf.l_margin + 46, y + 1, width, 3.5, style="F")
        pdf.set_xy(pdf.l_margin + 48 + width, y)
        pdf.cell(20, 5, str(value), new_x="LMARGIN", new_y="NEXT")


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
