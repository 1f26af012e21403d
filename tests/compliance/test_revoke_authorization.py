from datetime import UTC, datetime

from phigate.compliance.authorizations import Revocation, check_validity
from phigate.compliance.gate import evaluate_gate
from tests.compliance.factories import TODAY, authorization, gate_input


def test_revocation_takes_effect_at_once_and_blocks_the_gate() -> None:
    revocation = Revocation(datetime(2026, 6, 15, 9, 0, tzinfo=UTC), "p-po", "letter")
    revoked = authorization().revoke(revocation)
    assert [d.code for d in check_validity(revoked, today=TODAY)] == ["REVOKED"]
    decision = evaluate_gate(gate_input(authorizations={"auth-1": revoked}))
    assert not decision.allowed
    assert any(r.code == "REVOKED" and "164.508(b)(5)" in r.citation for r in decision.reasons)


def test_revoking_twice_keeps_the_first_record() -> None:
    first = Revocation(datetime(2026, 6, 1, tzinfo=UTC), "p-po", "letter")
    second = Revocation(datetime(2026, 6, 2, tzinfo=UTC), "p-other", "email")
    assert authorization().revoke(first).revoke(second).revocation == first
