"""Properties that hold for any text: no crash, spans inside the text, nothing flagged survives redaction."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from phigate.scanning import PLACEHOLDERS, scan

# Text built from pieces the recognizers react to, mixed with arbitrary Unicode.
_PIECES = st.sampled_from(
    [
        "Mr. ", "baby ", "Iris", "Walter Kozlowski", " surgery ", " yesterday ", "March 3",
        "MRN 5571026", " room 418 ", "555-0163", "jo@example.com", "#TeamLiam", "@kels_m",
        "\u200b", "５", "оf", " 97-year-old ", ". ", "\n", " your visit ", "gofundme.com/f/x",
    ]
)  # fmt: skip
_TEXT = st.one_of(st.text(), st.lists(st.one_of(_PIECES, st.text(max_size=5))).map("".join))


def _without_placeholders(text: str) -> str:
    # A word character keeps text that touched a placeholder from counting as a separate word.
    return re.sub("|".join(re.escape(p) for p in PLACEHOLDERS), "_", text)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["post", "reply"]))
def test_any_text_scans_and_spans_lie_within_it(text: str, kind: str) -> None:
    report = scan(text, kind=kind, in_reply_to=text[:20] or None)
    for finding in report.findings:
        assert 0 <= finding.start < finding.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["post", "reply"]))
@example("Mr Mr:MRN0000\u200bMr", "post")  # a zero-width space still separates words
def test_redacted_text_contains_no_flagged_span(text: str, kind: str) -> None:
    report = scan(text, kind=kind)
    redacted = _without_placeholders(report.redacted)
    for finding in report.findings:
        flagged = text[finding.start : finding.end].strip()
        if flagged:
            # Whole occurrences only: a flagged "Jo" may stay inside an unflagged "Joanna".
            assert not re.search(rf"(?<!\w){re.escape(flagged)}(?!\w)", redacted)
