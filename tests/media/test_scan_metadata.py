from pathlib import Path

from PIL import Image
from PIL.ExifTags import IFD

from phigate.media import MediaScanner, Source
from phigate.scanning import IdentifierType

T = IdentifierType


def _photo_with_exif(path: Path) -> None:
    exif = Image.Exif()
    exif[0x013B] = "Jane Q. Photographer"  # Artist
    exif[0x010E] = "Our patient Walter went home yesterday after surgery"  # ImageDescription
    exif.get_ifd(IFD.Exif)[0x9003] = "2026:03:03 14:05:00"  # DateTimeOriginal
    exif.get_ifd(IFD.Exif)[0xA431] = "SN-4418-22B"  # BodySerialNumber
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[1], gps[2], gps[3], gps[4] = "N", (41.0, 30.0, 0.0), "W", (81.0, 40.0, 0.0)
    Image.new("RGB", (320, 240), (90, 140, 200)).save(path, exif=exif)


def test_exif_fields_are_reported(media_scanner: MediaScanner, tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    _photo_with_exif(path)
    found = {
        (f.type, f.field) for f in media_scanner.scan(path).findings if f.source is Source.METADATA
    }
    assert (T.NAME, "Artist") in found
    assert (T.DATE, "DateTimeOriginal") in found
    assert (T.DEVICE, "BodySerialNumber") in found
    assert (T.LOCATION, "GPS position") in found
    # Free-text fields go through the text scanner, so the description's name is judged in context.
    assert (T.NAME, "ImageDescription") in found
