"""The labelled image set for the media benchmark, drawn from a seed: every name, number and date
is invented, and every picture comes from scikit-image's packaged samples or is drawn here.

Each image is saved with a `Labels` record of what was planted in it (identifier tokens with their
rendered boxes, faces with their boxes, barcode payloads, metadata fields), so scoring never has to
guess. The same seed gives the same files on any machine with the same fonts and library versions.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from PIL.ExifTags import IFD

Rect = tuple[int, int, int, int]  # left, top, width, height

# What the scanner should call each planted token; a finding of any type in the set counts.
# Rooms have no Safe Harbor letter of their own: the scanner files them as other unique numbers,
# and a location type is accepted too because a room is also a place.
ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    "NAME": frozenset({"NAME"}),
    "MRN": frozenset({"MRN"}),
    "ROOM": frozenset({"OTHER_ID", "LOCATION"}),
    "DATE": frozenset({"DATE"}),
    "PHONE": frozenset({"PHONE", "FAX"}),
}

# Metadata tags written into images, with the field name MediaScanner reports them under.
METADATA_FIELDS = {
    "Artist": "Artist",
    "GPS": "GPS position",
    "DateTimeOriginal": "DateTimeOriginal",
    "BodySerialNumber": "BodySerialNumber",
}

SIZES = {"1080p": (1920, 1080), "720p": (1280, 720), "540p": (960, 540)}
ROTATIONS = (0, 5, -5, 15, -15)
BLURS = (0.0, 1.0, 2.0)  # Gaussian radius in pixels
QUALITIES = (95, 75, 50)  # JPEG quality
FONT_SIZES = (16, 22, 32, 48)  # pixel height of the text as rendered in the scene

# Samples with no person in them: backgrounds for text, codes and the "nothing planted" images.
# chelsea is a cat, kept on purpose: an animal face must not count as a person's face.
BACKGROUNDS = ("coffee", "chelsea", "rocket", "horse", "gravel", "brick", "grass", "coins", "room")

FILLER_LINES = (
    "NPO after midnight",
    "Fall risk: HIGH",
    "BP 128/82  HR 76",
    "Goal: walk 3x today",
    "Pain 2/10",
    "Diet: cardiac",
    "Next dose 14:00",
    "Wash your hands",
    "Call light within reach",
    "Visiting hours 9-8",
)

FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
    "serif": "DejaVuSerif.ttf",
}


@dataclass
class Token:
    text: str
    kind: str  # a key of ACCEPTED_TYPES
    box: Rect


@dataclass
class Labels:
    name: str
    group: str  # text, benign_text, face, no_face, code, metadata
    conditions: dict[str, Any] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    benign_boxes: list[Rect] = field(default_factory=list)  # rendered text with no identifier
    faces: list[tuple[str, Rect]] = field(default_factory=list)  # (source picture, box)
    codes: list[tuple[str, str, Rect]] = field(default_factory=list)  # (format, payload, box)
    metadata: list[str] = field(default_factory=list)  # keys of METADATA_FIELDS
    size: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "size": list(self.size),
            "conditions": self.conditions,
            "tokens": [{"text": t.text, "kind": t.kind, "box": list(t.box)} for t in self.tokens],
            "faces": [{"source": s, "box": list(b)} for s, b in self.faces],
            "codes": [{"format": f, "payload": p, "box": list(b)} for f, p, b in self.codes],
            "metadata": self.metadata,
        }


# ---------------------------------------------------------------- invented people and numbers


class Inventor:
    """Invented patients: names from Faker (seeded), numbers from the seed."""

    def __init__(self, rng: random.Random) -> None:
        from faker import Faker

        self.rng = rng
        self.faker = Faker("en_US")
        self.faker.seed_instance(rng.randrange(1 << 30))

    def name(self) -> tuple[str, str]:
        return self.faker.first_name(), self.faker.last_name()

    def mrn(self) -> str:
        return str(self.rng.randrange(1_000_000, 10_000_000))

    def room(self) -> str:
        return str(self.rng.randrange(100, 990))

    def dob(self) -> str:
        year, month, day = self.rng.randrange(1935, 2020), self.rng.randrange(1, 13), 0
        day = self.rng.randrange(1, 29)
        style = self.rng.randrange(3)
        if style == 0:
            return f"{month:02d}/{day:02d}/{year}"
        if style == 1:
            return f"{year}-{month:02d}-{day:02d}"
        months = [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
        return f"{months[month - 1]} {day}, {year}"

    def phone(self) -> str:
        # 555-0100 to 555-0199 are the numbers set aside for fiction; area codes are real ones.
        area = self.rng.choice((212, 312, 415, 617, 713, 206))
        number = f"555-01{self.rng.randrange(100):02d}"
        return f"({area}) {number}" if self.rng.random() < 0.5 else f"{area}-{number}"


# ------------------------------------------------------------------------- drawing helpers


@cache
def font(style: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILES[style], size)
    except OSError:
        # Without DejaVu (not a Debian image), Pillow's own font keeps the set drawable.
        return ImageFont.load_default(size=size)


@cache
def _sample(name: str) -> Image.Image:
    from skimage import data

    pixels = np.asarray(getattr(data, name)())
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return Image.fromarray(pixels[..., :3].astype(np.uint8))


def background(name: str, size: tuple[int, int], rng: random.Random) -> Image.Image:
    if name == "room":
        return _room(size, rng)
    picture = _sample(name)
    # Cover the scene (crop to its aspect, then scale): samples are 300-600 px, so they blur.
    width, height = picture.size
    aspect = size[0] / size[1]
    if width / height > aspect:
        crop_w = int(height * aspect)
        left = rng.randrange(0, width - crop_w + 1)
        picture = picture.crop((left, 0, left + crop_w, height))
    else:
        crop_h = int(width / aspect)
        top = rng.randrange(0, height - crop_h + 1)
        picture = picture.crop((0, top, width, top + crop_h))
    return picture.resize(size, Image.Resampling.BICUBIC)


def _room(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A drawn room: a wall with a gradient, a floor, a door and a window, some sensor noise."""
    width, height = size
    wall = np.array([rng.randrange(150, 230) for _ in range(3)], dtype=np.float32)
    shade = np.linspace(0.8, 1.05, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(wall[None, None, :] * shade * np.ones((height, 1, 1), np.float32), 0, 255)
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    floor = int(height * rng.uniform(0.7, 0.85))
    draw.rectangle((0, floor, width, height), fill=(120, 100, 80))
    door = rng.randrange(0, width - width // 6)
    draw.rectangle((door, int(height * 0.2), door + width // 8, floor), fill=(140, 110, 70))
    window = rng.randrange(0, width - width // 4)
    draw.rectangle(
        (window, int(height * 0.1), window + width // 5, int(height * 0.4)), (190, 215, 235)
    )
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 4, (height, width, 3))
    return Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8))


def _rotate_point(
    x: float, y: float, angle: float, old: tuple[int, int], new: tuple[int, int]
) -> tuple[float, float]:
    """Where (x, y) lands after Image.rotate(angle, expand=True): counter-clockwise on screen."""
    theta = math.radians(angle)
    dx, dy = x - old[0] / 2, y - old[1] / 2
    return (
        new[0] / 2 + dx * math.cos(theta) + dy * math.sin(theta),
        new[1] / 2 - dx * math.sin(theta) + dy * math.cos(theta),
    )


def _rotate_rect(rect: Rect, angle: float, old: tuple[int, int], new: tuple[int, int]) -> Rect:
    left, top, width, height = rect
    corners = [(left, top), (left + width, top), (left, top + height), (left + width, top + height)]
    points = [_rotate_point(x, y, angle, old, new) for x, y in corners]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return int(min(xs)), int(min(ys)), math.ceil(max(xs) - min(xs)), math.ceil(max(ys) - min(ys))


def _shift(rect: Rect, dx: int, dy: int) -> Rect:
    return rect[0] + dx, rect[1] + dy, rect[2], rect[3]


def _place(
    scene: Image.Image,
    panel: Image.Image,
    rects: list[Rect],
    angle: float,
    rng: random.Random,
    taken: list[Rect],
) -> list[Rect] | None:
    """Rotate a panel, paste it where it does not cover what is already placed; the rects follow."""
    old = panel.size
    if angle:
        panel = panel.convert("RGBA").rotate(angle, Image.Resampling.BICUBIC, expand=True)
        rects = [_rotate_rect(r, angle, old, panel.size) for r in rects]
    width, height = scene.size
    if panel.width > width or panel.height > height:
        return None
    for _ in range(50):
        left, top = (
            rng.randrange(0, width - panel.width + 1),
            rng.randrange(0, height - panel.height + 1),
        )
        here = (left, top, panel.width, panel.height)
        if not any(_intersects(here, other) for other in taken):
            break
    else:
        return None
    taken.append(here)
    mask = panel.getchannel("A") if panel.mode == "RGBA" else None
    scene.paste(panel.convert("RGB"), (left, top), mask)
    return [_shift(r, left, top) for r in rects]


def _intersects(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


# --------------------------------------------------------------------------- text panels

Segment = tuple[str, str | None]  # (text, token kind or None for labels and spaces)

PANEL_STYLES = {
    # kind: (paper colour, ink colours, font style, padding in line heights)
    "whiteboard": ((244, 244, 238), ((20, 20, 20), (25, 60, 170), (170, 30, 30)), "sans-bold"),
    "monitor": ((18, 24, 38), ((210, 230, 210), (240, 240, 240), (120, 220, 255)), "mono"),
    "wristband": ((250, 250, 252), ((10, 10, 10),), "sans"),
    "badge": ((255, 255, 255), ((15, 35, 90),), "sans-bold"),
    "chart": ((248, 244, 228), ((30, 30, 30), (20, 20, 110)), "serif"),
}


def _identifier_lines(kind: str, who: Inventor) -> list[list[Segment]]:
    first, last = who.name()
    mrn, room, dob, phone = who.mrn(), who.room(), who.dob(), who.phone()

    def words(value: str, token: str) -> list[Segment]:
        pieces: list[Segment] = []
        for index, word in enumerate(value.split(" ")):
            if index:
                pieces.append((" ", None))
            pieces.append((word, token))
        return pieces

    if kind == "whiteboard":
        return [
            [("Room ", None), (room, "ROOM")],
            [("Pt: ", None), *words(f"{first} {last}", "NAME")],
            [("MRN ", None), (mrn, "MRN")],
            [("DOB ", None), *words(dob, "DATE")],
            [("Family: ", None), *words(phone, "PHONE")],
        ]
    if kind == "monitor":
        return [
            [("Name: ", None), (f"{last.upper()},", "NAME"), (" ", None), (first.upper(), "NAME")],
            [("MRN: ", None), (mrn, "MRN"), ("   DOB: ", None), *words(dob, "DATE")],
            [("Bed: ", None), (room, "ROOM"), ("-B", None)],
            [("Contact: ", None), *words(phone, "PHONE")],
        ]
    if kind == "wristband":
        return [
            [(f"{last.upper()},", "NAME"), (" ", None), (first, "NAME")],
            [("MRN ", None), (mrn, "MRN"), ("  DOB ", None), *words(dob, "DATE")],
        ]
    if kind == "badge":
        # A staff badge: the name of a workforce member, not a patient's (domain note SH-11: staff
        # credentials are about the workforce). Not an identifier token; flagging it is a false
        # finding. Earlier runs counted it as a NAME token (their token recall includes it).
        return [[*words(f"{first} {last}", None), (", RN", None)], [("Cardiology", None)]]
    return [  # a paper chart
        [("Patient: ", None), *words(f"{first} {last}", "NAME")],
        [("Date of birth: ", None), *words(dob, "DATE")],
        [("MRN: ", None), (mrn, "MRN"), ("   Room: ", None), (room, "ROOM")],
        [("Emergency contact: ", None), *words(phone, "PHONE")],
    ]


def _panel(
    kind: str, lines: list[list[Segment]], size: int, rng: random.Random
) -> tuple[Image.Image, list[Token], list[Rect]]:
    paper, inks, style = PANEL_STYLES[kind]
    face = font(style, size)
    line_height = int(size * 1.45)
    pad = max(8, size)
    widths = [sum(face.getlength(text) for text, _ in line) for line in lines]
    width = int(max(widths)) + 2 * pad
    height = line_height * len(lines) + 2 * pad
    panel = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(panel)
    if kind == "monitor":
        draw.rectangle((0, 0, width - 1, height - 1), outline=(90, 90, 90), width=max(2, size // 6))
    elif kind in ("whiteboard", "chart"):
        draw.rectangle((0, 0, width - 1, height - 1), outline=(160, 160, 160), width=2)
    tokens: list[Token] = []
    benign: list[Rect] = []
    for row, line in enumerate(lines):
        ink = rng.choice(inks)
        x, y = float(pad), pad + row * line_height
        for text, token in line:
            draw.text((x, y), text, fill=ink, font=face)
            if text.strip():
                left, top, right, bottom = draw.textbbox((x, y), text, font=face)
                rect = (int(left), int(top), int(right - left), int(bottom - top))
                if token:
                    tokens.append(Token(text, token, rect))
                else:
                    benign.append(rect)
            x += face.getlength(text)
    return panel, tokens, benign


# ------------------------------------------------------------------------------ the builders


def _finish(image: Image.Image, blur: float) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(blur)) if blur else image


def _save(image: Image.Image, path: Path, quality: int, exif: Image.Exif | None = None) -> None:
    # Pillow writes no EXIF unless given one, so the images without metadata really have none.
    options: dict[str, Any] = {"quality": quality}
    if exif is not None:
        options["exif"] = exif
    image.save(path, "JPEG", **options)


def text_image(index: int, rng: random.Random, who: Inventor, out: Path) -> Labels:
    kind = ("whiteboard", "monitor", "wristband", "badge", "chart")[index % 5]
    size_name = rng.choice(("1080p", "1080p", "720p", "540p"))
    conditions = {
        "scene": kind,
        "size": size_name,
        "font_px": rng.choice(FONT_SIZES),
        "rotation": rng.choice(ROTATIONS),
        "blur": rng.choice(BLURS),
        "jpeg": rng.choice(QUALITIES),
        "background": rng.choice(BACKGROUNDS),
    }
    scene = background(conditions["background"], SIZES[size_name], rng)
    lines = _identifier_lines(kind, who)
    if kind in ("whiteboard", "chart", "monitor"):
        lines += [[(line, None)] for line in rng.sample(FILLER_LINES, rng.randrange(1, 3))]
        rng.shuffle(lines)
    labels = Labels(f"text-{index:04d}-{kind}.jpg", "text", conditions, size=scene.size)
    panel, tokens, benign = _panel(kind, lines, conditions["font_px"], rng)
    rects = _place(scene, panel, [t.box for t in tokens] + benign, conditions["rotation"], rng, [])
    if rects is None:  # the panel is wider than the scene: draw it smaller rather than crop it
        conditions["font_px"] = 16
        panel, tokens, benign = _panel(kind, lines, 16, rng)
        rects = _place(
            scene, panel, [t.box for t in tokens] + benign, conditions["rotation"], rng, []
        )
        assert rects is not None
    for token, rect in zip(tokens, rects, strict=False):
        labels.tokens.append(Token(token.text, token.kind, rect))
    labels.benign_boxes = rects[len(tokens) :]
    _save(_finish(scene, conditions["blur"]), out / labels.name, conditions["jpeg"])
    return labels


def benign_text_image(index: int, rng: random.Random, out: Path) -> Labels:
    """Text with no identifier in it: what the scanner finds here is a false finding."""
    kind = rng.choice(("whiteboard", "monitor", "chart"))
    conditions = {
        "scene": kind,
        "size": "1080p",
        "font_px": rng.choice(FONT_SIZES[1:]),
        "rotation": rng.choice(ROTATIONS),
        "blur": rng.choice(BLURS[:2]),
        "jpeg": rng.choice(QUALITIES),
        "background": rng.choice(BACKGROUNDS),
    }
    scene = background(conditions["background"], SIZES["1080p"], rng)
    lines: list[list[Segment]] = [[(line, None)] for line in rng.sample(FILLER_LINES, 4)]
    panel, _, benign = _panel(kind, lines, conditions["font_px"], rng)
    rects = _place(scene, panel, benign, conditions["rotation"], rng, []) or []
    labels = Labels(f"benign-{index:04d}-{kind}.jpg", "benign_text", conditions, size=scene.size)
    labels.benign_boxes = rects
    _save(_finish(scene, conditions["blur"]), out / labels.name, conditions["jpeg"])
    return labels


# Head-and-shoulders crops of the packaged pictures with people, and the face inside each crop
# (hand-measured on the original: brow to chin, ear to ear as seen).
FACE_SOURCES: dict[str, tuple[Rect, Rect]] = {
    # name: (crop of the sample, face box inside the sample)
    "astronaut": ((110, 0, 240, 260), (172, 68, 116, 112)),
    "camera": ((140, 30, 200, 220), (186, 112, 70, 74)),  # the cameraman, in profile
}


def _face_crop(source: str, face_width: int, flip: bool) -> tuple[Image.Image, Rect]:
    if source == "lfw":
        raise ValueError("lfw faces come from _lfw_face")
    crop, face = FACE_SOURCES[source]
    picture = _sample(source).crop((crop[0], crop[1], crop[0] + crop[2], crop[1] + crop[3]))
    scale = face_width / face[2]
    picture = picture.resize(
        (max(1, round(crop[2] * scale)), max(1, round(crop[3] * scale))), Image.Resampling.LANCZOS
    )
    fx = (face[0] - crop[0]) * scale
    if flip:
        picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        fx = picture.width - fx - face[2] * scale
    rect = (
        round(fx),
        round((face[1] - crop[1]) * scale),
        round(face[2] * scale),
        round(face[3] * scale),
    )
    return picture, rect


@cache
def _lfw() -> np.ndarray[Any, Any]:
    from skimage import data

    # The first 100 of the 200 are faces (Labeled Faces in the Wild), the rest are not.
    return np.asarray(data.lfw_subset()[:100])


def _lfw_face(number: int, face_width: int) -> tuple[Image.Image, Rect]:
    """A 25 x 25 grey face crop, scaled up: the face fills the crop, so its box is the crop."""
    grey = (_lfw()[number % 100] * 255).clip(0, 255).astype(np.uint8)
    picture = (
        Image.fromarray(grey)
        .convert("RGB")
        .resize((face_width, face_width), Image.Resampling.BICUBIC)
    )
    return picture, (0, 0, face_width, face_width)


FACE_WIDTHS = (40, 56, 80, 120, 200, 360)


def face_image(index: int, rng: random.Random, out: Path) -> Labels:
    size_name = "1080p" if index % 4 else "720p"
    count = rng.choice((1, 1, 2, 3, 4))
    conditions: dict[str, Any] = {
        "size": size_name,
        "faces": count,
        "blur": rng.choice(BLURS[:2]),
        "jpeg": rng.choice(QUALITIES),
        "background": rng.choice(BACKGROUNDS),
    }
    scene = background(conditions["background"], SIZES[size_name], rng)
    labels = Labels(f"face-{index:04d}.jpg", "face", conditions, size=scene.size)
    taken: list[Rect] = []
    for _ in range(count):
        source = rng.choice(("astronaut", "astronaut", "camera", "lfw"))
        width = rng.choice(FACE_WIDTHS if source != "lfw" else FACE_WIDTHS[:4])
        number, flip = rng.randrange(100), rng.random() < 0.5
        # A face too big for the space left is drawn at the next smaller width, not dropped,
        # so the large sizes stay in the set.
        for tried in [w for w in FACE_WIDTHS if w <= width][::-1]:
            if source == "lfw":
                picture, rect = _lfw_face(number, tried)
            else:
                picture, rect = _face_crop(source, tried, flip)
            placed = _place(scene, picture, [rect], 0, rng, taken)
            if placed:
                labels.faces.append((f"{source}:{tried}", placed[0]))
                break
    conditions["faces"] = len(labels.faces)
    _save(_finish(scene, conditions["blur"]), out / labels.name, conditions["jpeg"])
    return labels


def no_face_image(index: int, rng: random.Random, out: Path) -> Labels:
    """Nothing planted at all: any face, text or code found here is false."""
    conditions = {"size": "1080p", "background": BACKGROUNDS[index % len(BACKGROUNDS)], "jpeg": 90}
    scene = background(conditions["background"], SIZES["1080p"], rng)
    labels = Labels(
        f"empty-{index:04d}-{conditions['background']}.jpg", "no_face", conditions, size=scene.size
    )
    _save(scene, out / labels.name, 90)
    return labels


def _qr(payload: str, module: int) -> Image.Image:
    import segno

    buffer = io.BytesIO()
    segno.make(payload, micro=False).save(buffer, kind="png", scale=module, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _code128(payload: str, module: int) -> Image.Image:
    import zxingcpp

    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.Code128)
    bars = np.asarray(zxingcpp.write_barcode_to_image(code, scale=module))
    return Image.fromarray(bars).convert("RGB")


def code_image(index: int, rng: random.Random, who: Inventor, out: Path) -> Labels:
    fmt = ("QRCode", "Code128")[index % 2]
    mrn = who.mrn()
    first, last = who.name()
    payload = rng.choice((mrn, f"MRN {mrn}", f"MRN:{mrn}^{last.upper()}^{first.upper()}"))
    conditions = {
        "format": fmt,
        "module_px": rng.choice((2, 3, 5)),
        "rotation": rng.choice(ROTATIONS),
        "blur": rng.choice(BLURS[:2]),
        "jpeg": rng.choice(QUALITIES),
        "size": "1080p",
        "background": rng.choice(BACKGROUNDS),
    }
    code = (
        _qr(payload, conditions["module_px"])
        if fmt == "QRCode"
        else _code128(payload, conditions["module_px"])
    )
    # A white label around the code, as on a wristband or specimen tube.
    label = Image.new("RGB", (code.width + 40, code.height + 40), "white")
    label.paste(code, (20, 20))
    scene = background(conditions["background"], SIZES["1080p"], rng)
    rects = _place(
        scene, label, [(20, 20, code.width, code.height)], conditions["rotation"], rng, []
    )
    assert rects is not None
    labels = Labels(f"code-{index:04d}-{fmt}.jpg", "code", conditions, size=scene.size)
    labels.codes.append((fmt, payload, rects[0]))
    _save(_finish(scene, conditions["blur"]), out / labels.name, conditions["jpeg"])
    return labels


def metadata_image(index: int, rng: random.Random, who: Inventor, out: Path) -> Labels:
    """A 720p background photo; half carry identifying EXIF fields, half carry none."""
    with_metadata = index % 2 == 0
    conditions = {"size": "720p", "background": rng.choice(BACKGROUNDS), "exif": with_metadata}
    scene = background(conditions["background"], SIZES["720p"], rng)
    labels = Labels(
        f"meta-{index:04d}-{'exif' if with_metadata else 'none'}.jpg",
        "metadata",
        conditions,
        size=scene.size,
    )
    exif = None
    if with_metadata:
        exif = Image.Exif()
        fields = [key for key in METADATA_FIELDS if rng.random() < 0.75] or ["Artist"]
        first, last = who.name()
        if "Artist" in fields:
            exif[0x013B] = f"{first} {last}"
        sub = exif.get_ifd(IFD.Exif)
        if "DateTimeOriginal" in fields:
            sub[0x9003] = (
                f"20{rng.randrange(18, 26)}:{rng.randrange(1, 13):02d}:{rng.randrange(1, 29):02d} 10:{rng.randrange(60):02d}:00"
            )
        if "BodySerialNumber" in fields:
            sub[0xA431] = f"{rng.randrange(10**9, 10**10)}"
        if "GPS" in fields:
            gps = exif.get_ifd(IFD.GPSInfo)
            gps.update(
                {
                    1: "N",
                    2: (
                        float(rng.randrange(30, 48)),
                        float(rng.randrange(60)),
                        rng.randrange(6000) / 100,
                    ),
                    3: "W",
                    4: (
                        float(rng.randrange(70, 122)),
                        float(rng.randrange(60)),
                        rng.randrange(6000) / 100,
                    ),
                }
            )
        # Camera make and model identify no one; they show the scanner does not flag every tag.
        exif[0x010F] = "Invented Camera Co."
        exif[0x0110] = "Model 7"
        labels.metadata = fields
    _save(scene, out / labels.name, 90, exif)
    return labels


def build(out: Path, seed: int, counts: dict[str, int]) -> list[Labels]:
    """Draw the whole set into out; each group has its own random stream so counts do not shift
    the pictures of the other groups."""
    out.mkdir(parents=True, exist_ok=True)
    made: list[Labels] = []
    for offset, group in enumerate(("text", "benign_text", "face", "no_face", "code", "metadata")):
        rng = random.Random(seed * 1000 + offset)
        who = Inventor(rng)
        for index in range(counts.get(group, 0)):
            if group == "text":
                made.append(text_image(index, rng, who, out))
            elif group == "benign_text":
                made.append(benign_text_image(index, rng, out))
            elif group == "face":
                made.append(face_image(index, rng, out))
            elif group == "no_face":
                made.append(no_face_image(index, rng, out))
            elif group == "code":
                made.append(code_image(index, rng, who, out))
            else:
                made.append(metadata_image(index, rng, who, out))
    return made
