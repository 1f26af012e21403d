"""Scan images and videos: faces, text in the pixels, barcodes, metadata and captions.

Recognised text goes through the text scanner, so a whiteboard is judged by the same rules as a
post; each finding keeps the box (and, in a video, the time) where it was seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from phigate.media.barcodes import read_barcodes
from phigate.media.faces import FaceDetector
from phigate.media.loading import (
    IMAGE_FORMATS,
    Frame,
    MediaError,
    MediaLimits,
    identify,
    image_frames,
    open_image,
)
from phigate.media.metadata import MetadataField, read_metadata
from phigate.media.ocr import TextLine, TextReader
from phigate.media.report import Box, MediaFinding, MediaReport, Pixels, Source
from phigate.scanning import IdentifierType, ScanKind, Scanner, Verdict
from phigate.scanning.identifiers import CATEGORY

T = IdentifierType


@dataclass
class MediaScanOptions:
    faces: bool = True
    text: bool = True
    barcodes: bool = True
    metadata: bool = True
    video_sample_fps: float = 1.0
    scene_change: float = 30.0  # mean absolute difference (0-255) that counts as a new scene
    limits: MediaLimits = field(default_factory=MediaLimits)


class MediaScanner:
    def __init__(self, scanner: Scanner | None = None, options: MediaScanOptions | None = None):
        self.scanner = scanner or Scanner()
        self.options = options or MediaScanOptions()
        self._faces = FaceDetector()
        self._reader = TextReader()

    def scan(self, path: Path | str) -> MediaReport:
        path = Path(path)
        kind = identify(path, self.options.limits)
        if kind in IMAGE_FORMATS:
            return self._scan_image(path, kind)
        from phigate.media.video import scan_video

        return scan_video(self, path, kind)

    def _scan_image(self, path: Path, kind: str) -> MediaReport:
        image = open_image(path, self.options.limits)
        findings: list[MediaFinding] = []
        frames = 0
        for frame in image_frames(image, self.options.limits):
            frames += 1
            findings += self.scan_frame(frame, animated=getattr(image, "is_animated", False))
        if self.options.metadata:
            findings += self.metadata_findings(read_metadata(image))
        return build_report(path.name, "image", kind, image.size, frames, findings)

    def scan_frame(self, frame: Frame, animated: bool = False) -> list[MediaFinding]:
        pixels = frame.pixels
        index = frame.index if animated or frame.seconds is not None else None
        found: list[MediaFinding] = []
        if self.options.faces:
            found += self.face_findings(pixels, index, frame.seconds)
        if self.options.text:
            found += self.text_findings(self._reader.read(pixels), index, frame.seconds)
        if self.options.barcodes:
            found += self._barcode_findings(pixels, index, frame.seconds)
        return found

    def face_findings(
        self, pixels: Pixels, frame: int | None = None, seconds: float | None = None
    ) -> list[MediaFinding]:
        return [
            MediaFinding(
                T.FACE, Source.FACE, face.score,
                "A face: a full-face photograph identifies the person (Safe Harbor (Q)); "
                "it needs their authorization or must be blurred.",
                patient_linked=False, box=face.box, frame=frame, seconds=seconds,
            )
            for face in self._faces.detect(pixels)
        ]  # fmt: skip

    def text_findings(
        self, lines: list[TextLine], frame: int | None, seconds: float | None
    ) -> list[MediaFinding]:
        if not lines:
            return []
        text, starts = _join(lines)
        report = self.scanner.scan(text, ScanKind.POST)
        linked = {(f.start, f.end) for f in report.findings if f.patient_linked}
        found = []
        # Redaction hides every identifier read in the pixels; the verdict weighs the linked ones.
        for finding in self.scanner.detect(text, ScanKind.POST):
            for box in _boxes_for(finding.start, finding.end, lines, starts):
                found.append(
                    MediaFinding(
                        finding.type, Source.TEXT, finding.score * _line_score(lines, starts, finding.start),
                        f"Text in the image: {finding.reason}",
                        patient_linked=(finding.start, finding.end) in linked or finding.patient_linked,
                        box=box, frame=frame, seconds=seconds, text=text[finding.start : finding.end],
                    )
                )  # fmt: skip
        return found

    def _barcode_findings(
        self, pixels: Pixels, frame: int | None, seconds: float | None
    ) -> list[MediaFinding]:
        found = []
        for code in read_barcodes(pixels):
            detected = self.scanner.detect(code.text, ScanKind.POST)
            owned = _owned_link(self.scanner, code.text)
            if owned:
                continue
            kinds = {f.type for f in detected} or {T.OTHER_ID}
            for kind in sorted(kinds):
                found.append(
                    MediaFinding(
                        kind, Source.BARCODE, 0.95,
                        f"A {code.format} code encodes {CATEGORY[kind].title.lower()}; "
                        "wristband and label codes identify the patient.",
                        patient_linked=bool(detected), box=code.box, frame=frame, seconds=seconds,
                        text=code.text,
                    )
                )  # fmt: skip
        return found

    def metadata_findings(self, fields: Iterable[MetadataField]) -> list[MediaFinding]:
        found = []
        for meta in fields:
            if meta.type is not None:
                found.append(
                    MediaFinding(
                        meta.type, Source.METADATA, 0.9,
                        f"The file's {meta.name} field travels with it; phigate redact removes it.",
                        patient_linked=False, field=meta.name, text=meta.value,
                    )
                )  # fmt: skip
                continue
            for finding in self.scanner.scan(meta.value, ScanKind.POST).findings:
                found.append(
                    MediaFinding(
                        finding.type, Source.METADATA, finding.score,
                        f"In the file's {meta.name} field: {finding.reason}",
                        patient_linked=finding.patient_linked, field=meta.name,
                        text=meta.value[finding.start : finding.end],
                    )
                )  # fmt: skip
        return found


def _owned_link(scanner: Scanner, text: str) -> bool:
    """A code that only links to the organization's own site is not an identifier."""
    match = re.fullmatch(r"https?://([^/\s]+)\S*", text.strip())
    return bool(match and scanner.profile.owns_domain(match.group(1)))


def _join(lines: list[TextLine]) -> tuple[str, list[int]]:
    starts, pieces, position = [], [], 0
    for line in lines:
        starts.append(position)
        pieces.append(line.text)
        position += len(line.text) + 1
    return "\n".join(pieces), starts


def _line_score(lines: list[TextLine], starts: list[int], position: int) -> float:
    for line, start in zip(lines, starts, strict=True):
        if start <= position <= start + len(line.text):
            return line.score
    return 1.0


def _boxes_for(start: int, end: int, lines: list[TextLine], starts: list[int]) -> list[Box]:
    """The part of each line's box that holds characters start..end, by proportional width."""
    boxes = []
    for line, line_start in zip(lines, starts, strict=True):
        line_end = line_start + len(line.text)
        lo, hi = max(start, line_start), min(end, line_end)
        if lo >= hi:
            continue
        per_char = line.box.width / max(1, len(line.text))
        left = line.box.left + int((lo - line_start) * per_char)
        right = line.box.left + int((hi - line_start) * per_char + 0.999)
        pad = int(per_char)  # proportional widths are approximate; err on the side of covering
        boxes.append(Box(max(0, left - pad), line.box.top, right - left + 2 * pad, line.box.height))
    return boxes


def build_report(
    name: str,
    media: str,
    kind: str,
    size: tuple[int, int],
    frames: int,
    findings: list[MediaFinding],
) -> MediaReport:
    verdict, reasons = _verdict(findings)
    return MediaReport(
        name, media, kind, size[0], size[1], frames, verdict, reasons, tuple(findings)
    )


def _verdict(findings: list[MediaFinding]) -> tuple[Verdict, tuple[str, ...]]:
    reasons: list[str] = []
    linked = [f for f in findings if f.patient_linked]
    for source in Source:
        of_source = [f for f in linked if f.source is source]
        if of_source:
            kinds = sorted({f.type.value for f in of_source})
            reasons.append(
                f"{len(of_source)} identifier(s) tied to a patient found in the {source.value} "
                f"({', '.join(kinds)}; 45 CFR 164.514(b)(2)(i)): remove them or link a valid "
                "authorization (45 CFR 164.508)."
            )
    faces = [f for f in findings if f.type is T.FACE]
    if faces:
        reasons.append(
            f"{len(faces)} face(s) (45 CFR 164.514(b)(2)(i)(Q)): every identifiable person needs an "
            "authorization on file, or the faces must be blurred (phigate redact)."
        )
    others = [f for f in findings if not f.patient_linked and f.type is not T.FACE]
    if others:
        reasons.append(
            f"{len(others)} other identifying detail(s) in the text, codes or metadata; "
            "phigate redact removes metadata and masks them."
        )
    if linked:
        return Verdict.BLOCK, tuple(reasons)
    if findings:
        return Verdict.REVIEW, tuple(reasons)
    return Verdict.ALLOW, ()


__all__ = ["MediaError", "MediaScanOptions", "MediaScanner"]
