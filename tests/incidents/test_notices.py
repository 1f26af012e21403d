import csv
import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from phigate.incidents.deadlines import Recipient
from phigate.incidents.incident import Containment, Incident, Notification, Source
from phigate.incidents.notices import NoticeDetails, hhs_breach_log_csv, individual_notice_pdf

INCIDENT = Incident(
    "inc-1", Source.PUBLISHED_POST, datetime(2026, 3, 2, 15, tzinfo=UTC), date(2026, 3, 2), "p-nurse",
    "A post named a patient without authorization.", ("NAME", "DATE"), ("instagram",), ("post-1",),
    containment=(Containment("instagram", "taken down", datetime(2026, 3, 2, 18, tzinfo=UTC), "p-po"),),
    notifications=(Notification(Recipient.INDIVIDUALS, date(2026, 3, 10), "first-class mail"),),
)  # fmt: skip


def test_individual_notice_has_every_element() -> None:
    details = NoticeDetails(
        "Cedar Ridge Medical Center",
        "A post on our Instagram account included your first name and the date of your visit.",
        "Your first name and the date of your visit.",
        "No action is needed; you may ask us for an accounting of disclosures.",
        "We removed the post within three hours, retrained the staff member and now check every post.",
        "Call 1-800-555-0100 (toll-free) or write to privacy@cedarridge.example.",
    )
    text = " ".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(individual_notice_pdf(INCIDENT, details, "Robin Example"))
        ).pages
    )
    text = " ".join(text.split())
    for element in ("(c)(1)(A)", "(c)(1)(B)", "(c)(1)(C)", "(c)(1)(D)", "(c)(1)(E)"):
        assert element in text
    assert "2026-03-02" in text and "toll-free" in text and "Robin Example" in text


def test_hhs_log_has_no_phi_and_one_row_per_breach() -> None:
    rows = list(csv.DictReader(io.StringIO(hhs_breach_log_csv([INCIDENT]))))
    assert len(rows) == 1 and rows[0]["individuals_affected"] == "1"
    assert (
        rows[0]["identifier_types"] == "NAME;DATE"
        and rows[0]["notified_individuals_on"] == "2026-03-10"
    )
