"""What a media scan returns: findings with their boxes and times, and a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from phigate.scanning.identifiers import CATEGORY, IdentifierType
from phigate.scanning.report import Verdict

# height x width x 3 RGB bytes, as every detector takes them.
Pixels = npt.NDArray[np.uint8]


class Source(StrEnum):
    FACE = "face"
    TEXT = "text"  # recognised in the pixels (OCR)
    BARCODE = "barcode"
    METADATA = "metadata"  # EXIF, XMP, IPTC or container tags
    CAPTION = "caption"  # subtitle tracks and sidecar files


@dataclass(frozen=True, slots=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def grown(self, fraction: float, width: int, height: int) -> Box:
        """The box enlarged on every side, kept inside the image: blur must cover the whole face."""
        dx, dy = int(self.width * fraction), int(self.height * fraction)
        left, top = max(0, self.left - dx), max(0, self.top - dy)
        right, bottom = min(width, self.right + dx), min(height, self.bottom + dy)
        return Box(left, top, max(0, right - left), max(0, bottom - top))

    def overlap(self, other: Box) -> float:
        """Intersection over the smaller box's area."""
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        if w <= 0 or h <= 0:
            return 0.0
        return (w * h) / max(1, min(self.width * self.height, other.width * other.height))


@dataclass(frozen=True, slots=True)
class MediaFinding:
    type: IdentifierType
    source: Source
    score: float
    reason: str
    patient_linked: bool
    box: Box | None = None
    frame: int | None = None  # frame index (GIF, video)
    seconds: float | None = None  # position in a video
    field: str | None = None  # metadata field or caption cue
    text: str | None = None  # what was read; shown to the author, never logged or stored

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "type": self.type.value,
            "source": self.source.value,
            "score": round(self.score, 3),
            "category": CATEGORY[self.type].citation,
            "reason": self.reason,
        }
        if self.box:
            result["box"] = [self.box.left, self.box.top, self.box.width, self.box.height]
        for key in ("frame", "seconds", "field"):
            value = getattr(self, key)
            if value is not None:
                result[key] = round(value, 3) if isinstance(value, float) else value
        return result


@dataclass(frozen=True, slots=True)
class MediaReport:
    name: str
    media: str  # "image" or "video"
    format: str
    width: int
    height: int
    frames_scanned: int
    verdict: Verdict
    reasons: tuple[str, ...]
    findings: tuple[MediaFinding, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The report without recognised text: safe to store beside the media id."""
        return {
            "media": self.media,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "frames_scanned": self.frames_scanned,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "findings": [f.to_dict() for f in self.findings],
        }
