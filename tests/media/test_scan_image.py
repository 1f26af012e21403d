import io
from pathlib import Path

import segno
from PIL import Image

from phigate.media import MediaScanner, Source
from phigate.scanning import IdentifierType, Verdict
from tests.media.conftest import astronaut, whiteboard

T = IdentifierType


def test_face_is_found_with_its_box(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "astronaut.png"
    astronaut().save(path)
    report = media_scanner.scan(path)
    faces = [f for f in report.findings if f.type is T.FACE]
    assert len(faces) == 1
    box = faces[0].box
    assert box is not None
    # The astronaut's face lies around x 170-290, y 60-200 in the 512x512 picture.
    assert 120 < box.left < 230 and 30 < box.top < 120 and 60 < box.width < 200
    assert report.verdict is Verdict.REVIEW


def test_text_on_a_whiteboard_is_read_and_judged(
    media_scanner: MediaScanner, tmp_path: Path
) -> None:
    path = tmp_path / "board.png"
    whiteboard(["Room 418: Walter Kozlowski", "MRN 5571026  NPO after midnight"]).save(path)
    report = media_scanner.scan(path)
    kinds = {f.type for f in report.findings if f.source is Source.TEXT}
    assert {T.OTHER_ID, T.MRN, T.NAME} <= kinds
    assert report.verdict is Verdict.BLOCK
    mrn = next(f for f in report.findings if f.type is T.MRN)
    assert mrn.box is not None and 150 < mrn.box.top + mrn.box.height // 2 < 260


def test_text_without_identifiers_is_allowed(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "tip.png"
    whiteboard(["Wash your hands", "for 20 seconds"]).save(path)
    assert media_scanner.scan(path).verdict is Verdict.ALLOW


def test_qr_code_on_a_wristband_label(media_scanner: MediaScanner, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    segno.make("MRN 5571026", micro=False).save(buffer, kind="png", scale=10, border=4)
    label = Image.new("RGB", (800, 600), "white")
    label.paste(Image.open(buffer).convert("RGB"), (250, 150))
    path = tmp_path / "label.png"
    label.save(path)
    report = media_scanner.scan(path)
    codes = [f for f in report.findings if f.source is Source.BARCODE]
    assert [f.type for f in codes] == [T.MRN]
    assert report.verdict is Verdict.BLOCK


def test_every_gif_frame_is_scanned(media_scanner: MediaScanner, tmp_path: Path) -> None:
    first = whiteboard(["Happy Friday"], (800, 400))
    second = whiteboard(["MRN 5571026"], (800, 400))
    path = tmp_path / "anim.gif"
    first.save(path, save_all=True, append_images=[second], duration=500)
    report = media_scanner.scan(path)
    assert [(f.type, f.frame) for f in report.findings if f.type is T.MRN] == [(T.MRN, 1)]


def test_webp_and_heic_are_read(media_scanner: MediaScanner, tmp_path: Path) -> None:
    board = whiteboard(["MRN 5571026"])
    webp = tmp_path / "board.webp"
    board.save(webp, "WEBP", quality=90)
    assert any(f.type is T.MRN for f in media_scanner.scan(webp).findings)
    import pillow_heif

    heic = tmp_path / "board.heic"
    pillow_heif.from_pillow(board).save(heic, quality=90)
    report = media_scanner.scan(heic)
    assert report.format == "heic"
    assert any(f.type is T.MRN for f in report.findings)
