"""Photos and videos attached to a post, as the gate sees them.

A post's content hash covers every attached file, and its scan covers them too: a face in the
photo or a wristband on a whiteboard identifies a patient as surely as a name in the text
(Safe Harbor identifier (Q), 45 CFR 164.514(b)(2)(i)(Q)). A photo or video that names or shows a
patient needs an authorization that covers photos or videos (164.508(c)(1)(i): the description of
the information to be disclosed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from phigate.compliance.authorizations import ContentKind
from phigate.compliance.rules import Finding

_SAFE_HARBOR = "45 CFR 164.514(b)(2)"
_VERDICT_RANK = {"allow": 0, "review": 1, "block": 2}


@dataclass(frozen=True)
class Attachment:
    id: str  # SHA-256 of the file: what the post's content hash covers
    media_type: str  # image/jpeg, video/mp4, ...
    size: int
    position: int  # 1-based place in the post, for reasons that never name the file
    verdict: str | None = None  # None until scanned
    identifier_types: tuple[str, ...] = ()
    error: str | None = None  # why the file could not be scanned

    @property
    def kind(self) -> ContentKind:
        return ContentKind.VIDEO if self.media_type.startswith("video/") else ContentKind.PHOTO

    @property
    def label(self) -> str:
        return f"{'video' if self.kind is ContentKind.VIDEO else 'photo'} {self.position}"


def media_content_kinds(attachments: Iterable[Attachment]) -> frozenset[ContentKind]:
    """What an authorization must cover for these attachments to be published."""
    return frozenset(a.kind for a in attachments)


def combined_verdict(text_verdict: str, attachments: Iterable[Attachment]) -> str:
    """The post's verdict is the worst of its text and every attachment."""
    verdicts = [text_verdict, *(a.verdict for a in attachments if a.verdict)]
    return max(verdicts, key=lambda v: _VERDICT_RANK.get(v, 2))


def attachment_problems(attachments: Iterable[Attachment]) -> list[Finding]:
    """Attachments the gate cannot vouch for: not scanned yet, or unreadable."""
    problems: list[Finding] = []
    for attachment in attachments:
        if attachment.error:
            problems.append(
                Finding(
                    "MEDIA_UNREADABLE",
                    f"The {attachment.label} could not be checked ({attachment.error}); "
                    "remove it or attach a readable copy.",
                    _SAFE_HARBOR,
                )
            )
        elif attachment.verdict is None:
            problems.append(
                Finding(
                    "MEDIA_NOT_SCANNED",
                    f"The {attachment.label} has not been scanned yet; wait for the scan to finish.",
                    _SAFE_HARBOR,
                )
            )
    return problems


def identifying_attachments(attachments: Iterable[Attachment]) -> list[Attachment]:
    return [a for a in attachments if a.verdict in ("review", "block")]
