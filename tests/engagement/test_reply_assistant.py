import pytest

from phigate.engagement.replies import Tone, draft_replies, self_disclosure, tone_of
from phigate.scanning import Scanner, Verdict
from phigate.scanning.profile import OrganizationProfile

PROFILE = OrganizationProfile(
    names=("Lakeshore Family Dental",),
    phones=("555-0100",),
    emails=("care@lakeshore.example",),
    domains=("lakeshore.example",),
)

COMMENTS = [
    "Best dentist ever, my cleaning with Jenna was painless!",
    "Worst experience of my life. Waited 2 hours for my root canal and got billed twice.",
    "Do you take Delta Dental for implants?",
    "My mom Maria Lopez had her hip surgery there on March 3 and the nurses were wonderful",
]


@pytest.mark.parametrize("comment", COMMENTS)
def test_every_draft_passes_the_scanner_in_reply_mode(comment: str) -> None:
    drafts = draft_replies(comment, PROFILE)
    assert drafts
    scanner = Scanner(PROFILE)
    for draft in drafts:
        assert scanner.scan(draft.text, "reply", comment).verdict is Verdict.ALLOW
        assert "your" not in draft.text.lower().replace(
            "your own", ""
        )  # no "your visit", "your care"


def test_complaints_are_moved_offline_with_the_organizations_own_contact() -> None:
    draft = draft_replies(COMMENTS[1], PROFILE)[0]
    assert (
        draft.tone is Tone.COMPLAINT
        and "555-0100" in draft.text
        and "care@lakeshore.example" in draft.text
    )


def test_tone() -> None:
    assert [tone_of(c) for c in COMMENTS[:3]] == [Tone.PRAISE, Tone.COMPLAINT, Tone.QUESTION]


def test_a_commenters_own_disclosure_is_flagged() -> None:
    report = self_disclosure(COMMENTS[3], Scanner(PROFILE))
    assert report.verdict is not Verdict.ALLOW
    assert {"NAME", "DATE"} <= {f.type.value for f in report.findings}
