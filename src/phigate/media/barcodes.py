"""Barcodes and QR codes (wristbands, specimen labels, charts), decoded with zxing-cpp."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp

from phigate.media.report import Box, Pixels


@dataclass(frozen=True, slots=True)
class Barcode:
    text: str
    format: str
    box: Box


def read_barcodes(pixels: Pixels) -> list[Barcode]:
    found = []
    for result in zxingcpp.read_barcodes(pixels):
        corners = result.position
        xs = [
            corners.top_left.x,
            corners.top_right.x,
            corners.bottom_left.x,
            corners.bottom_right.x,
        ]
        ys = [
            corners.top_left.y,
            corners.top_right.y,
            corners.bottom_left.y,
            corners.bottom_right.y,
        ]
        box = Box(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
        found.append(Barcode(result.text, str(result.format).rsplit(".", 1)[-1], box))
    return found
