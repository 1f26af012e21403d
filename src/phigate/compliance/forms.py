"""A blank authorization form for one patient and campaign, with every element and statement
45 CFR 164.508(c) requires, in plain language (164.508(c)(3)), as a PDF to print and sign."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF


@dataclass(frozen=True)
class FormRequest:
    organization: str
    patient_name: str
    campaign: str
    information: (
        str  # what will be shared: "your first name, two photos, the story of your recovery"
    )
    platforms: tuple[str, ...]
    purpose: str
    expires: str  # a date or an event
    marketing_remuneration_by: str | None = None  # the third party paying, for 164.508(a)(3)(ii)


def _sections(form: FormRequest) -> list[tuple[str, str]]:
    channels = ", ".join(form.platforms)
    sections = [
        ("1. What we will share (164.508(c)(1)(i))", form.information),
        (
            "2. Who will share it (164.508(c)(1)(ii))",
            f"{form.organization} and its marketing staff.",
        ),
        (
            "3. Who will see it (164.508(c)(1)(iii))",
            f"The public, through {form.organization}'s accounts on: {channels}.",
        ),
        ("4. Why (164.508(c)(1)(iv))", form.purpose),
        ("5. When this permission ends (164.508(c)(1)(v))", form.expires),
        (
            "6. Your right to take back this permission (164.508(c)(2)(i))",
            "You may revoke this authorization at any time by writing to our Privacy Officer. "
            "Revoking does not undo what was already shared while it was in effect. Our Notice of "
            "Privacy Practices explains how.",
        ),
        (
            "7. Your care does not depend on this (164.508(c)(2)(ii))",
            f"{form.organization} will not condition your treatment, payment, enrollment or "
            "eligibility for benefits on whether you sign.",
        ),
        (
            "8. Once shared, it may be shared again (164.508(c)(2)(iii))",
            "Information posted publicly may be copied and shared by others and will no longer be "
            "protected by federal privacy law.",
        ),
    ]
    if form.marketing_remuneration_by:
        sections.append(
            (
                "9. Payment for this marketing (164.508(a)(3)(ii))",
                f"{form.marketing_remuneration_by} pays {form.organization} in connection with this "
                "campaign. This authorization involves financial remuneration.",
            )
        )
    sections.append(
        (
            "Signature (164.508(c)(1)(vi))",
            "Signature: ______________________________   Date: ______________\n\n"
            "If signed by a personal representative, your name and authority to act for the "
            "patient (parent, guardian, power of attorney):\n"
            "________________________________________________________________\n\n"
            "You will receive a copy of this signed form (164.508(c)(4)).",
        )
    )
    return sections


def blank_form_pdf(form: FormRequest) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(
        0,
        8,
        _latin(
            f"Authorization to share your health information on social media - {form.organization}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        6,
        _latin(f"Patient: {form.patient_name}    Campaign: {form.campaign}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        6,
        "This is a stand-alone form; it is not part of any other document (45 CFR 164.508(b)(3)).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for title, body in _sections(form):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, _latin(body), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else would raise, so it is replaced visibly.
    return text.encode("latin-1", "replace").decode("latin-1")
