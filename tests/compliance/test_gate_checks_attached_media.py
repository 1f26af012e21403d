"""The gate and a post's photos and videos: every attachment must be scanned and readable, and one
that identifies someone needs a linked authorization covering photos (or videos)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from phigate.compliance.attachments import Attachment
from phigate.compliance.authorizations import ContentKind
from phigate.compliance.gate import evaluate_gate
from phigate.compliance.posts import Approval
from tests.compliance.factories import NOW, REVIEWER, approved_post, authorization, gate_input

_ATTACHMENT = st.builds(
    lambda video, verdict, error: (video, verdict, error),
    st.booleans(),
    st.sampled_from([None, "allow", "review", "block"]),
    st.sampled_from([None, "the file is truncated"]),
)
_KINDS = st.sampled_from([
    frozenset({ContentKind.POST}), frozenset({ContentKind.POST, ContentKind.PHOTO}),
    frozenset({ContentKind.POST, ContentKind.PHOTO, ContentKind.VIDEO}),
])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_ATTACHMENT, max_size=4), _KINDS, st.booleans())
def test_media_rules(
    specs: list[tuple[bool, str | None, str | None]], covered: frozenset[ContentKind], linked: bool
) -> None:
    attachments = tuple(
        Attachment(f"{i:064d}", "video/mp4" if video else "image/jpeg", 10, i, verdict,
                   ("FACE",) if verdict in ("review", "block") else (), error)
        for i, (video, verdict, error) in enumerate(specs, start=1)
    )  # fmt: skip
    post = approved_post(
        media_hashes=tuple(a.id for a in attachments),
        authorization_ids=("auth-1",) if linked else (),
        text="Flu shots are free this Saturday!",
    )
    post = replace(post, scan=replace(post.scan, verdict="allow", content_hash=post.content_hash),  # type: ignore[type-var]
                   approval=Approval(REVIEWER.id, post.content_hash, NOW))  # fmt: skip
    given_input = replace(
        gate_input(post), authorizations={"auth-1": authorization(content_kinds=covered)},
        attachments=attachments,
    )  # fmt: skip
    decision = evaluate_gate(given_input)
    codes = {r.code for r in decision.reasons}
    readable = all(a.verdict is not None and a.error is None for a in attachments)
    identifying = [a for a in attachments if a.error is None and a.verdict in ("review", "block")]
    shown = {
        ContentKind.VIDEO if a.media_type == "video/mp4" else ContentKind.PHOTO for a in identifying
    }
    authorized = not identifying or (linked and shown <= covered)
    if not linked:
        authorized = not identifying
    assert decision.allowed == (readable and authorized), codes
    if any(a.error for a in attachments):
        assert "MEDIA_UNREADABLE" in codes
    if any(a.verdict is None and a.error is None for a in attachments):
        assert "MEDIA_NOT_SCANNED" in codes
    if identifying and not linked:
        assert "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION" in codes
