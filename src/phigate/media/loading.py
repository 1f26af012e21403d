"""Open media files safely: size limits, decompression bombs, corrupt files, lying extensions.

Every problem becomes a MediaError whose message names the file and the problem in plain words, so
that one bad file in a batch is reported and the rest go on.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from phigate.media.report import Box, Pixels

try:  # HEIC/HEIF where the wheel's libheif reads it
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIC_SUPPORTED = False

ImageFile.LOAD_TRUNCATED_IMAGES = False

IMAGE_FORMATS = {"jpeg", "png", "webp", "gif", "heic"}
VIDEO_FORMATS = {"mp4", "mov", "webm"}
_EXTENSIONS = {
    ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".gif": "gif",
    ".heic": "heic", ".heif": "heic", ".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".webm": "webm",
}  # fmt: skip


class MediaError(ValueError):
    """A file that cannot be scanned; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class MediaLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_image_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 60_000_000  # about 8K x 7K: larger is a bomb or a scan we should not take
    max_frames: int = 600  # GIF frames or sampled video frames


@dataclass(frozen=True, slots=True)
class Frame:
    index: int
    pixels: Pixels  # height x width x 3, RGB, uint8
    seconds: float | None = None


def sniff(head: bytes) -> str | None:
    """The format a file really is, from its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"):
            return "heic"
        if brand == b"qt  ":
            return "mov"
        return "mp4"
    return None


def identify(path: Path, limits: MediaLimits) -> str:
    """Check the file against the limits and its extension; return its real format."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(32)
    except OSError as error:
        raise MediaError(f"{path.name}: cannot read the file ({error.strerror})") from None
    if size == 0:
        raise MediaError(f"{path.name}: the file is empty")
    if size > limits.max_bytes:
        raise MediaError(
            f"{path.name}: {size / 1e6:.0f} MB is over the {limits.max_bytes / 1e6:.0f} MB limit"
        )
    real = sniff(head)
    if real is None:
        raise MediaError(f"{path.name}: not an image or video format phigate reads")
    claimed = _EXTENSIONS.get(path.suffix.lower())
    if claimed is not None and claimed != real and {claimed, real} != {"mp4", "mov"}:
        raise MediaError(
            f"{path.name}: the file is {real.upper()} but its name says {claimed.upper()}; "
            "rename it so every tool reads it the same way"
        )
    if real in IMAGE_FORMATS and size > limits.max_image_bytes:
        raise MediaError(
            f"{path.name}: {size / 1e6:.0f} MB is over the {limits.max_image_bytes / 1e6:.0f} MB "
            "image limit"
        )
    if real == "heic" and not HEIC_SUPPORTED:
        raise MediaError(f"{path.name}: HEIC images cannot be read on this installation")
    return real


def open_image(path: Path, limits: MediaLimits) -> Image.Image:
    """Open and fully decode an image, turning every Pillow failure into a plain MediaError."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its pixel limit; treat that as the bomb it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            width, height = image.size
            if width * height > limits.max_pixels:
                raise MediaError(
                    f"{path.name}: {width}x{height} pixels is over the limit of "
                    f"{limits.max_pixels:,} pixels"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(
            f"{path.name}: the image claims more pixels than allowed (decompression bomb?)"
        ) from None
    except UnidentifiedImageError:
        raise MediaError(f"{path.name}: the image data is not readable") from None
    except (OSError, SyntaxError, ValueError) as error:
        if isinstance(error, MediaError):
            raise
        raise MediaError(f"{path.name}: the image is truncated or corrupt") from None
    return image


def image_frames(image: Image.Image, limits: MediaLimits) -> Iterator[Frame]:
    """Every frame of an animated image (GIF, WebP), or the one frame of a still."""
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index >= limits.max_frames:
            break
        yield Frame(index, np.asarray(frame.convert("RGB")))


def clip(box: Box, width: int, height: int) -> Box:
    left, top = max(0, box.left), max(0, box.top)
    right, bottom = min(width, box.right), min(height, box.bottom)
    return Box(left, top, max(0, right - left), max(0, bottom - top))
