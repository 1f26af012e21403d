"""Match a scan's findings to what was planted in the image, and roll the matches up into rates.

Matching rules (written once here, quoted in bench/README.md):
- a planted face is found when a FACE finding has intersection-over-union >= FACE_IOU with it;
- a planted identifier token is found when a text finding of an accepted type covers at least
  TOKEN_COVER of the token's rendered box (the "any type" figure drops the type condition);
- a planted code is decoded when a barcode finding carries its exact payload;
- a planted metadata field is reported when a metadata finding names that field.
Every finding that matches nothing planted is a false finding.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from media_scenes import ACCEPTED_TYPES, METADATA_FIELDS, Labels, Rect

FACE_IOU = 0.3
TOKEN_COVER = 0.5
# A text finding belongs to a planted token when this share of the finding's own box lies on it
# (findings are padded by a character each side, so they are larger than the token).
FINDING_ON_TOKEN = 0.3


@dataclass
class Seen:
    """A finding reduced to what scoring needs; built from phigate's MediaFinding."""

    type: str
    source: str
    box: Rect | None
    text: str | None
    field: str | None


@dataclass
class ImageScore:
    name: str
    group: str
    conditions: dict[str, Any]
    seconds: float
    tokens: list[tuple[str, bool, bool]] = field(default_factory=list)  # kind, typed, any
    faces: list[tuple[str, int, bool]] = field(default_factory=list)  # source, width, found
    codes: list[tuple[str, bool, bool]] = field(default_factory=list)  # format, decoded, flagged
    metadata: list[tuple[str, bool]] = field(default_factory=list)  # field, reported
    false: list[Seen] = field(default_factory=list)
    findings: int = 0


def _area(rect: Rect) -> int:
    return max(0, rect[2]) * max(0, rect[3])


def _intersection(a: Rect, b: Rect) -> int:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def iou(a: Rect, b: Rect) -> float:
    inter = _intersection(a, b)
    union = _area(a) + _area(b) - inter
    return inter / union if union else 0.0


def _covers(finding: Rect, token: Rect) -> float:
    return _intersection(finding, token) / max(1, _area(token))


def score_image(labels: Labels, seen: list[Seen], seconds: float) -> ImageScore:
    score = ImageScore(labels.name, labels.group, labels.conditions, seconds, findings=len(seen))
    used: set[int] = set()

    faces = [(i, s) for i, s in enumerate(seen) if s.type == "FACE" and s.box]
    for source, rect in labels.faces:
        matches = [i for i, s in faces if s.box and iou(s.box, rect) >= FACE_IOU]
        used.update(matches)
        name, width = source.split(":")
        score.faces.append((name, int(width), bool(matches)))

    text = [(i, s) for i, s in enumerate(seen) if s.source == "text" and s.box]
    for token in labels.tokens:
        accepted = ACCEPTED_TYPES[token.kind]
        on_token = [(i, s) for i, s in text if s.box and _covers(s.box, token.box) >= TOKEN_COVER]
        typed = any(s.type in accepted for _, s in on_token)
        score.tokens.append((token.kind, typed, bool(on_token)))
        for i, s in text:
            if s.box and _intersection(s.box, token.box) >= FINDING_ON_TOKEN * _area(s.box):
                used.add(i)
        used.update(i for i, _ in on_token)

    codes = [(i, s) for i, s in enumerate(seen) if s.source == "barcode"]
    for fmt, payload, _rect in labels.codes:
        matches = [i for i, s in codes if s.text == payload]
        used.update(matches)
        flagged = any(seen[i].type != "OTHER_ID" for i in matches)
        score.codes.append((fmt, bool(matches), flagged))

    meta = [(i, s) for i, s in enumerate(seen) if s.source == "metadata"]
    for key in labels.metadata:
        matches = [i for i, s in meta if s.field == METADATA_FIELDS[key]]
        used.update(matches)
        score.metadata.append((key, bool(matches)))

    score.false = [s for i, s in enumerate(seen) if i not in used]
    return score


# ------------------------------------------------------------------------------ rolling up


def rate(hits: int, total: int) -> dict[str, Any]:
    return {"hits": hits, "total": total, "value": hits / total if total else None}


def _by(rows: list[tuple[Any, bool]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for key, hit in rows:
        groups[str(key)].append(hit)
    return {key: rate(sum(hits), len(hits)) for key, hits in sorted(groups.items(), key=_order)}


def _order(item: tuple[str, Any]) -> tuple[int, float | str]:
    key = item[0]
    try:
        return 0, float(key)
    except ValueError:
        return 1, key


TOKEN_CONDITIONS = ("scene", "size", "font_px", "rotation", "blur", "jpeg")
FACE_CONDITIONS = ("size", "blur", "jpeg", "background")
CODE_CONDITIONS = ("format", "module_px", "rotation", "blur", "jpeg")


def summarize(scores: list[ImageScore]) -> dict[str, Any]:
    tokens = [(s, t) for s in scores for t in s.tokens]
    faces = [(s, f) for s in scores for f in s.faces]
    codes = [(s, c) for s in scores for c in s.codes]
    meta = [(s, m) for s in scores for m in s.metadata]
    figures: dict[str, Any] = {
        "tokens": {
            "typed": rate(sum(t[1] for _, t in tokens), len(tokens)),
            "any_type": rate(sum(t[2] for _, t in tokens), len(tokens)),
            # A staff badge names an employee, not a patient: shown apart so a reader can weigh it.
            "typed_patient_scenes": rate(
                sum(t[1] for s, t in tokens if s.conditions["scene"] != "badge"),
                sum(s.conditions["scene"] != "badge" for s, _ in tokens),
            ),
            "by_kind": _by([(t[0], t[1]) for _, t in tokens]),
            "by_condition": {
                c: _by([(s.conditions[c], t[1]) for s, t in tokens]) for c in TOKEN_CONDITIONS
            },
        },
        "faces": {
            "recall": rate(sum(f[2] for _, f in faces), len(faces)),
            "by_source": _by([(f[0], f[2]) for _, f in faces]),
            "by_width": _by([(f[1], f[2]) for _, f in faces]),
            "by_source_width": _by([(f"{f[0]} {f[1]:>3d}px", f[2]) for _, f in faces]),
            "by_condition": {
                c: _by([(s.conditions[c], f[2]) for s, f in faces]) for c in FACE_CONDITIONS
            },
        },
        "codes": {
            "decoded": rate(sum(c[1] for _, c in codes), len(codes)),
            "flagged_as_identifier": rate(sum(c[2] for _, c in codes), len(codes)),
            "by_condition": {
                c: _by([(s.conditions[c], code[1]) for s, code in codes]) for c in CODE_CONDITIONS
            },
        },
        "metadata": {
            "reported": rate(sum(m[1] for _, m in meta), len(meta)),
            "by_field": _by([(m[0], m[1]) for _, m in meta]),
        },
        "false": _false(scores),
        "timing": _timing(scores),
    }
    return figures


def _false(scores: list[ImageScore]) -> dict[str, Any]:
    by_group: dict[str, dict[str, Any]] = {}
    for group in sorted({s.group for s in scores}):
        of_group = [s for s in scores if s.group == group]
        sources: dict[str, int] = defaultdict(int)
        for s in of_group:
            for f in s.false:
                sources[f"{f.source}:{f.type}"] += 1
        by_group[group] = {
            "images": len(of_group),
            "false_findings": sum(len(s.false) for s in of_group),
            "images_with_false": sum(bool(s.false) for s in of_group),
            "by_source_type": dict(sorted(sources.items())),
        }
    # Images with nothing planted in the pixels: what a scanner flags here is pure noise.
    clean = [
        s
        for s in scores
        if s.group in ("benign_text", "no_face") or (s.group == "metadata" and not s.metadata)
    ]
    return {
        "by_group": by_group,
        "total": sum(len(s.false) for s in scores),
        "images": len(scores),
        "clean_images_flagged": rate(sum(bool(s.false) for s in clean), len(clean)),
        "examples": [
            {"image": s.name, "source": f.source, "type": f.type, "box": f.box, "field": f.field}
            for s in scores
            for f in s.false
        ],
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _timing(scores: list[ImageScore]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for size in ("1080p", "720p", "540p"):
        times = [s.seconds for s in scores if s.conditions.get("size") == size]
        if times:
            result[size] = {
                "images": len(times),
                "p50": _percentile(times, 0.5),
                "mean": statistics.fmean(times),
                "p95": _percentile(times, 0.95),
                "max": max(times),
            }
    by_group: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        if s.conditions.get("size") == "1080p":
            by_group[s.group].append(s.seconds)
    result["1080p_by_group"] = {
        g: {"images": len(t), "p50": _percentile(t, 0.5), "mean": statistics.fmean(t)}
        for g, t in sorted(by_group.items())
    }
    return result
