"""Training of the workforce, 45 CFR 164.530(b), and the posting rights that depend on it.

HIPAA requires training within a reasonable time of joining and after material policy changes
(164.530(b)(2)); an annual refresher is what OCR corrective action plans impose, so it is the
ceiling here: the interval is a policy setting that may be shorter, never longer, than 12 months.
"""

from __future__ import annotations

import calendar
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from phigate.compliance.rules import Finding

MAX_REFRESH_MONTHS = 12
TRAINING_CITATION = "45 CFR 164.530(b)"


class TrainingState(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"  # current, but a reminder is due
    LAPSED = "lapsed"
    NEVER = "never"


@dataclass(frozen=True)
class TrainingPolicy:
    course_id: str = "social-media-privacy"
    refresh_months: int = MAX_REFRESH_MONTHS
    passing_score: int = 80
    policy_version: str = (
        "1"  # a material change bumps it; everyone must re-attest (164.530(b)(2)(i)(C))
    )
    reminder_days: tuple[int, ...] = (30, 7)

    def __post_init__(self) -> None:
        if not 1 <= self.refresh_months <= MAX_REFRESH_MONTHS:
            raise ValueError(
                f"the refresher interval must be 1 to {MAX_REFRESH_MONTHS} months, not "
                f"{self.refresh_months}"
            )


@dataclass(frozen=True)
class TrainingCompletion:
    person_id: str
    course_id: str
    completed_on: date
    score: int
    attested_policy_version: str | None  # the social media policy version they attested to


@dataclass(frozen=True)
class TrainingStatus:
    state: TrainingState
    last_completed: date | None
    due_on: date | None
    reminder_due: int | None  # 30 or 7: the reminder that is due today or was due, if any
    finding: Finding | None  # why posting is not allowed, when it is not

    @property
    def may_post(self) -> bool:
        return self.state in (TrainingState.CURRENT, TrainingState.DUE_SOON)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def training_status(
    completions: list[TrainingCompletion], policy: TrainingPolicy, today: date
) -> TrainingStatus:
    counted = [
        c
        for c in completions
        if c.course_id == policy.course_id
        and c.score >= policy.passing_score
        and c.completed_on <= today
    ]
    if not counted:
        return TrainingStatus(
            TrainingState.NEVER, None, None, None,
            Finding(
                "TRAINING_NEVER",
                "You have not completed the social media privacy training; complete it before "
                "posting.",
                TRAINING_CITATION + "(2)(i)(B)",
            ),
        )  # fmt: skip
    latest = max(counted, key=lambda c: c.completed_on)
    due = add_months(latest.completed_on, policy.refresh_months)
    if latest.attested_policy_version != policy.policy_version:
        return TrainingStatus(
            TrainingState.LAPSED, latest.completed_on, due, None,
            Finding(
                "TRAINING_POLICY_CHANGED",
                f"The social media policy changed (version {policy.policy_version}); retake the "
                "training and attest to the new version before posting.",
                TRAINING_CITATION + "(2)(i)(C)",
            ),
        )  # fmt: skip
    if today >= due:
        return TrainingStatus(
            TrainingState.LAPSED, latest.completed_on, due, None,
            Finding(
                "TRAINING_LAPSED",
                f"Your privacy training expired on {due.isoformat()} (refresher every "
                f"{policy.refresh_months} months); complete the refresher to post again.",
                TRAINING_CITATION,
            ),
        )  # fmt: skip
    days_left = (due - today).days
    reminders = [d for d in sorted(policy.reminder_days) if days_left <= d]
    if reminders:
        return TrainingStatus(TrainingState.DUE_SOON, latest.completed_on, due, reminders[0], None)
    return TrainingStatus(TrainingState.CURRENT, latest.completed_on, due, None, None)


@dataclass(frozen=True)
class ImportedRow:
    email: str
    completion: TrainingCompletion


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


LMS_COLUMNS = ("email", "course", "completed_on", "score", "policy_version")


def parse_lms_export(
    content: str, known_emails: dict[str, str]
) -> tuple[list[ImportedRow], list[RowProblem]]:
    """Read an LMS completion export (CSV with a header); every unusable row is reported, none lost.

    `known_emails` maps lower-case email to person id.
    """
    reader = csv.DictReader(io.StringIO(content))
    missing = [c for c in LMS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowProblem(1, f"the header lacks column(s): {', '.join(missing)}")]
    rows: list[ImportedRow] = []
    problems: list[RowProblem] = []
    for line, record in enumerate(reader, start=2):
        email = (record.get("email") or "").strip().lower()
        if not email:
            problems.append(RowProblem(line, "the email is empty"))
            continue
        person = known_emails.get(email)
        if person is None:
            problems.append(RowProblem(line, "no staff member has this email address"))
            continue
        try:
            completed = datetime.strptime(
                (record.get("completed_on") or "").strip(), "%Y-%m-%d"
            ).date()
        except ValueError:
            problems.append(RowProblem(line, "completed_on must be a date written YYYY-MM-DD"))
            continue
        try:
            score = int((record.get("score") or "").strip())
        except ValueError:
            problems.append(RowProblem(line, "score must be a whole number"))
            continue
        if not 0 <= score <= 100:
            problems.append(RowProblem(line, "score must be between 0 and 100"))
            continue
        course = (record.get("course") or "").strip()
        if not course:
            problems.append(RowProblem(line, "the course is empty"))
            continue
        version = (record.get("policy_version") or "").strip() or None
        rows.append(
            ImportedRow(email, TrainingCompletion(person, course, completed, score, version))
        )
    return rows, problems
