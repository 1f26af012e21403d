"""Shared media fixtures: one scanner per test session (the models take seconds to load) and
invented pictures drawn on the fly, so no patient image is ever stored in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from phigate.media import MediaScanner

pytest.importorskip("mediapipe")


@pytest.fixture(scope="session")
def media_scanner() -> Iterator[MediaScanner]:
    yield MediaScanner()


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def whiteboard(lines: list[str], size: tuple[int, int] = (1280, 720)) -> Image.Image:
    image = Image.new("RGB", size, (245, 245, 240))
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 80 + row * 110), line, fill=(20, 20, 20), font=font(56))
    return image


def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(np.asarray(data.astronaut()))


@pytest.fixture
def picture_dir(tmp_path: Path) -> Path:
    return tmp_path
