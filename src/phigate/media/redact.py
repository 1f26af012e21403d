"""Write a redacted copy: faces and identifying text blurred, codes masked, all metadata dropped.

The original is never modified. The copy is scanned again; anything still found is reported, so a
reviewer never trusts a redaction that did not work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from phigate.media.loading import IMAGE_FORMATS, MediaError, identify, image_frames, open_image
from phigate.media.report import Box, MediaFinding, MediaReport, Pixels, Source
from phigate.media.scanner import MediaScanner

_SAVE_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "heic": "PNG"}


@dataclass(frozen=True)
class Redaction:
    output: Path
    masked: int  # boxes blurred or masked
    metadata_removed: int  # metadata findings dropped with the metadata
    residual: MediaReport  # the scan of the written copy
    redacted: tuple[MediaFinding, ...] = ()  # what was blurred, masked or stripped

    @property
    def still_found(self) -> list[MediaFinding]:
        """Residual findings where something was redacted: the redaction did not work there."""
        return [
            f
            for f in self.residual.findings
            if f.source is Source.METADATA or self._over_redacted(f)
        ]

    def _over_redacted(self, finding: MediaFinding) -> bool:
        if finding.box is None:
            return False
        return any(
            r.box is not None and finding.box.overlap(r.box) > 0.3
            and (r.seconds is None or finding.seconds is None or abs(r.seconds - finding.seconds) < 1.5)
            for r in self.redacted
        )  # fmt: skip

    @property
    def new_findings(self) -> list[MediaFinding]:
        """Residual findings away from every redacted region: found only in the copy."""
        return [
            f
            for f in self.residual.findings
            if not (f.source is Source.METADATA or self._over_redacted(f))
        ]

    @property
    def verified(self) -> bool:
        return not self.still_found


def redact_media(
    source: Path | str, output: Path | str, scanner: MediaScanner | None = None
) -> Redaction:
    source, output = Path(source), Path(output)
    if source.resolve() == output.resolve():
        raise MediaError(f"{output.name}: the redacted copy must not overwrite the original")
    scanner = scanner or MediaScanner()
    kind = identify(source, scanner.options.limits)
    if kind not in IMAGE_FORMATS:
        from phigate.media.video_redact import redact_video

        return redact_video(scanner, source, output)
    image = open_image(source, scanner.options.limits)
    report = scanner.scan(source)
    frames = []
    masked = 0
    for frame in image_frames(image, scanner.options.limits):
        boxes = [f for f in report.findings if f.box and (f.frame in (None, frame.index))]
        pixels, count = mask(frame.pixels, boxes)
        masked += count
        frames.append(Image.fromarray(pixels))
    save_format = _SAVE_FORMAT[kind]
    if kind == "heic" and output.suffix.lower() in (".heic", ".heif"):
        output = output.with_suffix(".png")
    metadata = sum(f.source is Source.METADATA for f in report.findings)
    result = _write(frames, output, save_format, scanner, masked, metadata, report.findings)
    # A blurred region can still look like a face to the detector; cover what is still found
    # there with a solid box and check again, a bounded number of times.
    for _ in range(2):
        if result.verified:
            break
        for index, picture in enumerate(frames):
            still = [f for f in result.still_found if f.box and f.frame in (None, index)]
            pixels, count = mask(
                np.asarray(picture), [replace(f, source=Source.TEXT) for f in still]
            )
            frames[index] = Image.fromarray(pixels)
            masked += count
        result = _write(frames, output, save_format, scanner, masked, metadata, report.findings)
    return result


def _write(
    frames: list[Image.Image], output: Path, save_format: str, scanner: MediaScanner,
    masked: int, metadata: int, redacted: tuple[MediaFinding, ...],
) -> Redaction:  # fmt: skip
    # A fresh image holds pixels only: no EXIF, XMP, IPTC, ICC comments or text chunks survive.
    if len(frames) > 1:
        frames[0].save(output, save_format, save_all=True, append_images=frames[1:])
    else:
        frames[0].save(output, save_format)
    return Redaction(output, masked, metadata, scanner.scan(output), redacted)


def mask(pixels: Pixels, findings: list[MediaFinding]) -> tuple[Pixels, int]:
    """Blur faces heavily and cover text and codes with a solid box."""
    image = Image.fromarray(pixels)
    height, width = pixels.shape[:2]
    count = 0
    for finding in findings:
        assert finding.box is not None
        if finding.source is Source.FACE:
            # Pixelate, then blur: a blur alone leaves a face-shaped blob a detector still finds.
            box = finding.box.grown(0.25, width, height)
            if box.width < 2 or box.height < 2:
                continue
            region = image.crop(_corners(box))
            # A fixed 6x6 mosaic whatever the face's size: too coarse to hold a face's structure.
            blocks = region.resize((6, 6), Image.Resampling.BOX)
            coarse = blocks.resize(region.size, Image.Resampling.NEAREST)
            radius = max(8, max(box.width, box.height) // 4)
            image.paste(coarse.filter(ImageFilter.GaussianBlur(radius)), (box.left, box.top))
        else:
            box = finding.box.grown(0.08, width, height)
            ImageDraw.Draw(image).rectangle(_corners(box), fill=(0, 0, 0))
        count += 1
    return np.asarray(image), count


def _corners(box: Box) -> tuple[int, int, int, int]:
    return box.left, box.top, box.right, box.bottom
