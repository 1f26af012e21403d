import hashlib
from pathlib import Path

from PIL import Image, ImageDraw
from typer.testing import CliRunner

from phigate.cli import app
from phigate.media import MediaScanner, redact_media
from phigate.scanning import IdentifierType
from tests.media.conftest import astronaut, font


def _staged_photo(path: Path) -> None:
    picture = astronaut().resize((1024, 1024))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((40, 850, 900, 990), fill="white")
    draw.text((60, 870), "Room 418 MRN 5571026", fill="black", font=font(44))
    exif = Image.Exif()
    exif[0x013B] = "Jane Q. Photographer"
    picture.save(path, exif=exif, quality=92)


def test_redacted_copy_hides_face_text_and_metadata(
    media_scanner: MediaScanner, tmp_path: Path
) -> None:
    source, target = tmp_path / "ward.jpg", tmp_path / "ward-safe.jpg"
    _staged_photo(source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = redact_media(source, target, media_scanner)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the original is untouched
    assert result.masked >= 3  # the face, the room and the MRN
    assert result.verified, result.residual.findings
    assert not Image.open(target).getexif()
    residual_types = {f.type for f in result.residual.findings}
    assert IdentifierType.FACE not in residual_types and IdentifierType.MRN not in residual_types


def test_redact_command(tmp_path: Path) -> None:
    source, target = tmp_path / "ward.jpg", tmp_path / "out.jpg"
    _staged_photo(source)
    result = CliRunner().invoke(app, ["redact", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Verified" in result.output


def test_refuses_to_overwrite_the_original(tmp_path: Path) -> None:
    source = tmp_path / "ward.jpg"
    _staged_photo(source)
    result = CliRunner().invoke(app, ["redact", str(source), "-o", str(source)])
    assert result.exit_code == 3
    assert "must not overwrite" in result.output
