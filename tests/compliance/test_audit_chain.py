from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from phigate.compliance.audit import AuditEntry, RetentionError, chain, check_purge, verify

START = datetime(2026, 1, 1, tzinfo=UTC)


def entries(n: int) -> list[AuditEntry]:
    made: list[AuditEntry] = []
    for i in range(n):
        made.append(
            chain(
                made[-1] if made else None,
                at=START + timedelta(minutes=i),
                actor_id="p-reviewer",
                action="post.approved",
                subject_type="post",
                subject_id=f"post-{i}",
                details={"verdict": "allow"},
            )
        )
    return made


def test_an_intact_chain_verifies() -> None:
    assert verify(entries(5)) == []


def test_altered_entry_is_named() -> None:
    log = entries(5)
    log[2] = replace(log[2], action="post.rejected")
    problems = verify(log)
    assert problems[0].seq == 3 and problems[0].kind == "altered"


def test_deleted_entry_is_named() -> None:
    log = entries(5)
    del log[1]
    assert next((p.seq, p.kind) for p in verify(log)) == (3, "missing")


def test_reordered_entries_are_named() -> None:
    log = entries(5)
    log[1], log[2] = log[2], log[1]
    kinds = {p.kind for p in verify(log)}
    assert "reordered" in kinds or "missing" in kinds


def test_rewritten_tail_with_recomputed_hashes_breaks_the_link() -> None:
    log = entries(4)
    forged = chain(
        None,
        at=START,
        actor_id="x",
        action="post.approved",
        subject_type="post",
        subject_id="post-2",
    )
    forged = replace(forged, seq=3)
    forged = replace(forged, hash=forged.computed_hash())
    log[2] = forged
    assert any(p.seq == 3 and p.kind == "broken_link" for p in verify(log))


def test_purging_younger_than_six_years_is_refused() -> None:
    now = datetime(2032, 6, 1, tzinfo=UTC)
    with pytest.raises(RetentionError, match="six years"):
        check_purge(datetime(2027, 1, 1, tzinfo=UTC), now)
    check_purge(datetime(2026, 5, 31, tzinfo=UTC), now)
