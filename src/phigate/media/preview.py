"""An annotated preview: the image with a labelled box around every finding."""

from __future__ import annotations

from pathlib import Path

from PIL import ImageDraw

from phigate.media.loading import MediaLimits, open_image
from phigate.media.report import MediaReport, Source

_COLOUR = {Source.FACE: (255, 190, 0), Source.TEXT: (230, 30, 30), Source.BARCODE: (40, 110, 255)}


def write_preview(source: Path, report: MediaReport, output: Path, limits: MediaLimits) -> Path:
    image = open_image(source, limits).convert("RGB")
    draw = ImageDraw.Draw(image)
    width = max(2, max(image.size) // 400)
    for finding in report.findings:
        if finding.box is None or finding.frame not in (None, 0):
            continue
        colour = _COLOUR.get(finding.source, (255, 255, 255))
        box = finding.box
        draw.rectangle((box.left, box.top, box.right, box.bottom), outline=colour, width=width)
        draw.text((box.left + 2, max(0, box.top - 12)), finding.type.value, fill=colour)
    output = output.with_suffix(".png")
    image.save(output, "PNG")
    return output
