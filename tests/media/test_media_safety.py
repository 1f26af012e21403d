import struct
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phigate.cli import app
from phigate.media import MediaError, MediaLimits, MediaScanner, MediaScanOptions
from tests.media.conftest import whiteboard


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: the classic decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(100_000, 100_000))
    with pytest.raises(MediaError, match="pixels"):
        media_scanner.scan(path)


def test_truncated_jpeg(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    whiteboard(["hello"]).save(path, "JPEG")
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(MediaError, match="truncated or corrupt"):
        media_scanner.scan(path)


def test_wrong_extension_is_named(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    whiteboard(["hello"]).save(path, "JPEG")
    with pytest.raises(MediaError, match="is JPEG but its name says PNG"):
        media_scanner.scan(path)


def test_empty_unknown_and_oversized_files(tmp_path: Path) -> None:
    scanner = MediaScanner(options=MediaScanOptions(limits=MediaLimits(max_bytes=1000)))
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.jpg").write_bytes(b"just some text, not a picture")
    big = tmp_path / "big.png"
    whiteboard(["hello"]).save(big)
    for name, message in [
        ("empty.jpg", "empty"),
        ("notes.jpg", "not an image"),
        ("big.png", "limit"),
    ]:
        with pytest.raises(MediaError, match=message):
            scanner.scan(tmp_path / name)


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 broken")
    good = tmp_path / "good.png"
    whiteboard(["MRN 5571026"]).save(good)
    result = CliRunner().invoke(app, ["scan", str(bad), str(good)])
    assert result.exit_code == 3
    assert "bad.jpg" in result.output and "good.png: BLOCK" in result.output
