from dataclasses import replace
from datetime import date

import pytest

from phigate.compliance.authorizations import ContentKind, check_validity
from tests.compliance.factories import TODAY, authorization


def codes(**changes: object) -> list[str]:
    return [d.code for d in check_validity(authorization(**changes), today=TODAY)]


def test_a_complete_authorization_is_valid() -> None:
    assert check_validity(authorization(), today=TODAY, platform="instagram") == []


@pytest.mark.parametrize(
    ("changes", "code", "citation"),
    [
        (
            {"information_description": "", "information_items": frozenset()},
            "MISSING_INFORMATION",
            "(c)(1)(i)",
        ),
        (
            {"information_description": "All records", "information_items": frozenset()},
            "VAGUE_INFORMATION",
            "(c)(1)(i)",
        ),
        ({"disclosing_party": " "}, "MISSING_DISCLOSER", "(c)(1)(ii)"),
        ({"recipients": ""}, "MISSING_RECIPIENT", "(c)(1)(iii)"),
        ({"purposes": ("",)}, "MISSING_PURPOSE", "(c)(1)(iv)"),
        ({"expires_on": None}, "MISSING_EXPIRATION", "(c)(1)(v)"),
        ({"signed_on": None}, "UNSIGNED", "(c)(1)(vi)"),
        ({"signer_is_representative": True}, "MISSING_REPRESENTATIVE_AUTHORITY", "(c)(1)(vi)"),
        ({"states_right_to_revoke": False}, "MISSING_REVOCATION_STATEMENT", "(c)(2)(i)"),
        ({"states_conditioning": False}, "MISSING_CONDITIONING_STATEMENT", "(c)(2)(ii)"),
        ({"states_redisclosure": False}, "MISSING_REDISCLOSURE_STATEMENT", "(c)(2)(iii)"),
        ({"third_party_remuneration": True}, "MARKETING_REMUNERATION_NOT_STATED", "(a)(3)(ii)"),
        ({"standalone_document": False}, "COMPOUND_AUTHORIZATION", "(b)(3)"),
        ({"expires_on": date(2026, 6, 14)}, "EXPIRED", "(b)(2)(i)"),
        (
            {
                "expiration_event": "end of campaign",
                "expires_on": None,
                "expiration_event_occurred": True,
            },
            "EXPIRATION_EVENT_OCCURRED",
            "(b)(2)(i)",
        ),
        ({"known_false": True}, "KNOWN_FALSE", "(b)(2)(v)"),
    ],
)
def test_each_defect_is_named_with_its_citation(
    changes: dict[str, object], code: str, citation: str
) -> None:
    defects = check_validity(authorization(**changes), today=TODAY)
    assert [d.code for d in defects] == [code]
    assert citation in defects[0].citation and defects[0].citation.startswith("45 CFR 164.508")


def test_every_defect_is_reported_not_just_the_first() -> None:
    found = codes(signed_on=None, states_redisclosure=False, expires_on=date(2020, 1, 1))
    assert set(found) == {"UNSIGNED", "MISSING_REDISCLOSURE_STATEMENT", "EXPIRED"}


def test_remuneration_statement_satisfies_marketing_rule() -> None:
    assert (
        codes(
            third_party_remuneration=True,
            remuneration_statement="Acme Implants pays us for this campaign.",
        )
        == []
    )


def test_expires_at_the_end_of_its_last_day() -> None:
    auth = authorization(expires_on=TODAY)
    assert check_validity(auth, today=TODAY) == []


def test_scope_covers_platform_and_content() -> None:
    auth = authorization()
    defects = check_validity(
        auth, today=TODAY, platform="tiktok", content_kinds=frozenset({ContentKind.VIDEO})
    )
    assert {d.code for d in defects} == {"SCOPE_PLATFORM", "SCOPE_CONTENT"}
    assert "tiktok" in defects[0].message


def test_an_event_instead_of_a_date_is_enough() -> None:
    auth = replace(
        authorization(), expires_on=None, expiration_event="end of the 2026 knee campaign"
    )
    assert check_validity(auth, today=TODAY) == []
