import pytest

from phigate.scanning import IdentifierType, Verdict, scan

CONFIRMS = IdentifierType.CONFIRMS_PATIENT


@pytest.mark.parametrize(
    "reply",
    [
        "Thanks so much! We look forward to seeing you at your next cleaning in six months!",
        "Thanks for choosing Lakeshore Family Dental for your care!",
        "We're so glad Dr. Haddad was able to place your stent the same day.",
        "We found the duplicate charge for your urgent care visit and credited it.",
        "So glad your dad is recovering well after his stay on our cardiac unit.",
    ],
)
def test_replies_that_confirm_care_are_blocked(reply: str) -> None:
    report = scan(reply, kind="reply", in_reply_to="Great experience!")
    assert report.verdict is Verdict.BLOCK
    assert any(f.type is CONFIRMS for f in report.findings)


@pytest.mark.parametrize(
    "reply",
    [
        "Thank you for the kind words! We'll pass them along to the team. 😊",
        "We're sorry to hear this. Please call our Patient Relations team at 555-0102.",
        "Yes, the ED is open 24/7 and fully operational on generator power.",
    ],
)
def test_replies_that_move_offline_are_allowed(reply: str) -> None:
    assert scan(reply, kind="reply").verdict is Verdict.ALLOW


def test_the_same_words_in_a_post_are_not_a_reply_confirmation() -> None:
    report = scan("We look forward to seeing you at your next cleaning!", kind="post")
    assert not any(f.type is CONFIRMS for f in report.findings)
