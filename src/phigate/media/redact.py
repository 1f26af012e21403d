"""Write a redacted copy: faces and identifying text blurred, codes masked, all metadata dropped.

The original is never modified. The copy is scanned again; anything still found is reported, so a
reviewer never trusts a redaction that did not work.
"""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def verified(self) -> bool:
        return not [
            f for f in self.residual.findings if f.box is not None or f.source is Source.METADATA
        ]


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
    # A fresh image holds pixels only: no EXIF, XMP, IPTC, ICC comments or text chunks survive.
    if len(frames) > 1:
        frames[0].save(output, save_format, save_all=True, append_images=frames[1:])
    else:
        frames[0].save(output, save_format)
    metadata = sum(f.source is Source.METADATA for f in report.findings)
    return Redaction(output, masked, metadata, scanner.scan(output))


def mask(pixels: Pixels, findings: list[MediaFinding]) -> tuple[Pixels, int]:
    """Blur faces heavily and cover text and codes with a solid box."""
    image = Image.fromarray(pixels)
    height, width = pixels.shape[:2]
    count = 0
    for finding in findings:
        assert finding.box is not None
        if finding.source is Source.FACE:
            box = finding.box.grown(0.25, width, height)
            region = image.crop(_corners(box))
            radius = max(8, max(box.width, box.height) // 4)
            image.paste(region.filter(ImageFilter.GaussianBlur(radius)), (box.left, box.top))
        else:
            box = finding.box.grown(0.08, width, height)
            ImageDraw.Draw(image).rectangle(_corners(box), fill=(0, 0, 0))
        count += 1
    return np.asarray(image), count


def _corners(box: Box) -> tuple[int, int, int, int]:
    return box.left, box.top, box.right, box.bottom
