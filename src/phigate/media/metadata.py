"""Metadata that travels with a photo: EXIF, XMP and IPTC fields that identify people and places.

A phone photo carries the GPS position where it was taken (a patient's home on a home-health
visit), the capture date, the owner's name and the camera's serial number. Each is read here as a
named field; `phigate redact` drops them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, IptcImagePlugin
from PIL.ExifTags import IFD

from phigate.scanning.identifiers import IdentifierType

T = IdentifierType


@dataclass(frozen=True, slots=True)
class MetadataField:
    name: str
    value: str
    type: IdentifierType | None  # None: free text, to be read by the text scanner


# EXIF tags (TIFF/EXIF 2.32 numbers) and what Safe Harbor calls them.
_MAIN_TAGS = {
    0x010E: ("ImageDescription", None),
    0x013B: ("Artist", T.NAME),
    0x8298: ("Copyright", T.NAME),
    0x9C9B: ("XPTitle", None),
    0x9C9C: ("XPComment", None),
    0x9C9D: ("XPAuthor", T.NAME),
    0x9C9F: ("XPSubject", None),
    0x0132: ("DateTime", T.DATE),
}
_EXIF_TAGS = {
    0x9003: ("DateTimeOriginal", T.DATE),
    0x9004: ("DateTimeDigitized", T.DATE),
    0x9286: ("UserComment", None),
    0xA430: ("CameraOwnerName", T.NAME),
    0xA431: ("BodySerialNumber", T.DEVICE),
    0xA435: ("LensSerialNumber", T.DEVICE),
    0xA420: ("ImageUniqueID", T.OTHER_ID),
}
_IPTC = {
    (2, 80): ("IPTC By-line", T.NAME),
    (2, 90): ("IPTC City", T.LOCATION),
    (2, 92): ("IPTC Sub-location", T.LOCATION),
    (2, 55): ("IPTC Date Created", T.DATE),
    (2, 120): ("IPTC Caption", None),
    (2, 25): ("IPTC Keywords", None),
}
_XMP_FIELDS = {
    "dc:creator": T.NAME,
    "dc:description": None,
    "dc:title": None,
    "photoshop:City": T.LOCATION,
    "Iptc4xmpCore:Location": T.LOCATION,
    "exif:GPSLatitude": T.LOCATION,
    "xmp:CreateDate": T.DATE,
    "photoshop:DateCreated": T.DATE,
    "aux:SerialNumber": T.DEVICE,
    "exifEX:BodySerialNumber": T.DEVICE,
}


def read_metadata(image: Image.Image) -> list[MetadataField]:
    fields: list[MetadataField] = []
    exif = image.getexif()
    for tag, (name, kind) in _MAIN_TAGS.items():
        _add(fields, name, exif.get(tag), kind)
    sub = exif.get_ifd(IFD.Exif)
    for tag, (name, kind) in _EXIF_TAGS.items():
        _add(fields, name, sub.get(tag), kind)
    gps = exif.get_ifd(IFD.GPSInfo)
    if gps.get(2) and gps.get(4):
        fields.append(MetadataField("GPS position", _gps_text(gps), T.LOCATION))
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}  # type: ignore[arg-type]
    except (SyntaxError, ValueError, IndexError):
        iptc = {}
    for iptc_key, (name, kind) in _IPTC.items():
        _add(fields, name, iptc.get(iptc_key), kind)
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if xmp:
        text = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else str(xmp)
        for xmp_tag, xmp_kind in _XMP_FIELDS.items():
            for value in _xmp_values(text, xmp_tag):
                _add(fields, f"XMP {xmp_tag}", value, xmp_kind)
    for key in ("comment", "Comment", "Description", "Author"):
        _add(fields, f"{image.format or 'image'} {key}", image.info.get(key), None)
    return fields


def _add(
    fields: list[MetadataField], name: str, value: object, kind: IdentifierType | None
) -> None:
    if value is None:
        return
    if isinstance(value, list | tuple):
        value = " ".join(_decode(v) for v in value)
    text = _decode(value).strip().strip("\x00")
    if text:
        fields.append(MetadataField(name, text, kind))


def _decode(value: object) -> str:
    if isinstance(value, bytes):
        # UserComment starts with an 8-byte character-code header; XP* tags are UTF-16LE.
        for prefix in (b"ASCII\x00\x00\x00", b"UNICODE\x00", b"\x00" * 8):
            if value.startswith(prefix):
                value = value[8:]
                break
        if len(value) > 1 and value[1:2] == b"\x00":
            return value.decode("utf-16-le", "replace")
        return value.decode("utf-8", "replace")
    return str(value)


def _gps_text(gps: dict[int, object]) -> str:
    def degrees(value: object) -> float:
        d, m, s = (float(x) for x in value)  # type: ignore[attr-defined]
        return d + m / 60 + s / 3600

    try:
        lat = degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return "present"
    return f"{lat:.5f}, {lon:.5f}"


def _xmp_values(xmp: str, tag: str) -> list[str]:
    values: list[str] = []
    for match in re.finditer(rf"<{tag}[^>]*>(.*?)</{tag}>|{tag}=\"([^\"]*)\"", xmp, re.S):
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        items = re.findall(r"<rdf:li[^>]*>(.*?)</rdf:li>", inner, re.S) or [inner]
        values.extend(re.sub(r"<[^>]+>", "", i).strip() for i in items)
    return [v for v in values if v]
