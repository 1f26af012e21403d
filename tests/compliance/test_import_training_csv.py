from phigate.compliance.training import parse_lms_export

PEOPLE = {"avery@example.org": "p-author", "riley@example.org": "p-reviewer"}


def test_good_rows_are_imported_and_every_bad_row_is_reported() -> None:
    content = (
        "email,course,completed_on,score,policy_version\n"
        "Avery@Example.org,social-media-privacy,2026-01-10,92,1\n"
        "nobody@example.org,social-media-privacy,2026-01-10,92,1\n"
        "riley@example.org,social-media-privacy,10/01/2026,92,1\n"
        "riley@example.org,social-media-privacy,2026-01-10,ninety,1\n"
        ",social-media-privacy,2026-01-10,92,1\n"
        "riley@example.org,social-media-privacy,2026-01-11,101,1\n"
        "riley@example.org,social-media-privacy,2026-01-12,88,\n"
    )
    rows, problems = parse_lms_export(content, PEOPLE)
    assert [(r.email, r.completion.score) for r in rows] == [
        ("avery@example.org", 92),
        ("riley@example.org", 88),
    ]
    assert rows[1].completion.attested_policy_version is None
    assert [(p.line, p.message) for p in problems] == [
        (3, "no staff member has this email address"),
        (4, "completed_on must be a date written YYYY-MM-DD"),
        (5, "score must be a whole number"),
        (6, "the email is empty"),
        (7, "score must be between 0 and 100"),
    ]


def test_missing_columns_are_named() -> None:
    rows, problems = parse_lms_export("email,score\na@example.org,90\n", PEOPLE)
    assert rows == []
    assert "course, completed_on, policy_version" in problems[0].message
