import io

from pypdf import PdfReader

from phigate.compliance.forms import FormRequest, blank_form_pdf


def test_blank_form_carries_every_required_element_and_statement() -> None:
    pdf = blank_form_pdf(
        FormRequest(
            organization="Cedar Ridge Medical Center",
            patient_name="Robin Example",
            campaign="Knee Recovery Stories 2026",
            information="Your first name, two photos and the story of your knee surgery recovery.",
            platforms=("Instagram", "Facebook"),
            purpose="To promote Cedar Ridge orthopedic services.",
            expires="December 31, 2027",
            marketing_remuneration_by="Acme Implants",
        )
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for citation in ["(c)(1)(i)", "(c)(1)(ii)", "(c)(1)(iii)", "(c)(1)(iv)", "(c)(1)(v)", "(c)(1)(vi)",
                     "(c)(2)(i)", "(c)(2)(ii)", "(c)(2)(iii)", "(a)(3)(ii)", "(c)(4)"]:  # fmt: skip
        assert citation in text, citation
    assert "Robin Example" in text and "Instagram, Facebook" in text
    assert "revoke" in text and "not condition" in text and "no longer be protected" in text
    assert "Acme Implants pays" in text
