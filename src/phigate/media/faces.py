"""Faces, Safe Harbor (Q): full-face photographs and comparable images.

MediaPipe's BlazeFace models ship inside the mediapipe wheel (0.10.21 is the last release that
bundles them), so nothing is downloaded. The full-range model finds faces up to about 5 m away;
large images are also scanned in overlapping tiles so that the small faces of a group photo are not
lost when the image is scaled down to the model's input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from phigate.media.report import Box, Pixels

# Tile sizes, largest first. A tile is scaled to the short-range model's 128-pixel input, so a
# face of a sixth to a third of the tile is in the model's range: the 160-pixel tiles bring faces
# of 25-55 pixels (a person at the back of a group photo) up to that size. Measured on the media
# benchmark's face set (seed 5): recall 0.898 without them, 0.977 with them, for about 0.13 s more
# per 1080p image.
_TILES = (960, 480, 240, 160)
_MIN_SCORE = 0.5
_TILE_MIN_SCORE = 0.7
# In the small tiles, textures (brick, gravel, letters) pass for faces now and then. Such a
# detection is checked again on a crop centred on it with some context around, where a real face
# still scores well and a look-alike mostly does not (media benchmark, 60 images without faces:
# 11 false faces before the check, 2 after; face recall unchanged).
_CONFIRM_BELOW_TILE = 240
_CONFIRM_BELOW_SCORE = 0.9
_CONFIRM_SCORE = 0.6
_CONFIRM_INPUT = 192


@dataclass(frozen=True, slots=True)
class Face:
    box: Box
    score: float


class FaceDetector:
    """Thread-confined: make one per worker thread (MediaPipe graphs are not shareable)."""

    @cached_property
    def _models(self) -> list[Any]:
        os.environ.setdefault("GLOG_minloglevel", "2")
        from mediapipe.python.solutions import face_detection

        return [
            face_detection.FaceDetection(model_selection=1, min_detection_confidence=_MIN_SCORE),
            face_detection.FaceDetection(model_selection=0, min_detection_confidence=_MIN_SCORE),
        ]

    def detect(self, pixels: Pixels) -> list[Face]:
        height, width = pixels.shape[:2]
        faces = self._run(pixels, 0, 0, self._models)
        # Small faces vanish when a large image is scaled to the model's 192-pixel input; in tiles
        # a 40-pixel face becomes a large one, which the short-range model handles best.
        for tile_size in _TILES:
            if max(width, height) <= tile_size * 1.25:
                continue
            step = tile_size * 3 // 4
            for top in range(0, max(1, height - tile_size // 4), step):
                for left in range(0, max(1, width - tile_size // 4), step):
                    tile = pixels[top : top + tile_size, left : left + tile_size]
                    found = self._run(np.ascontiguousarray(tile), left, top, self._models[1:])
                    # Tiles see more texture per face-sized window, so more look-alikes: ask more.
                    faces += [
                        f
                        for f in found
                        if f.score >= _TILE_MIN_SCORE
                        and (
                            tile_size > _CONFIRM_BELOW_TILE
                            or f.score >= _CONFIRM_BELOW_SCORE
                            or self._confirmed(pixels, f)
                        )
                    ]
        return _suppress_duplicates([_clamped(f, width, height) for f in faces])

    def _confirmed(self, pixels: Pixels, face: Face) -> bool:
        import cv2

        height, width = pixels.shape[:2]
        box = face.box
        margin = int(0.75 * max(box.width, box.height))
        left, top = max(0, box.left - margin), max(0, box.top - margin)
        right, bottom = min(width, box.right + margin), min(height, box.bottom + margin)
        if right - left < 8 or bottom - top < 8:
            return False
        size = _CONFIRM_INPUT
        shrink = right - left > size
        crop = cv2.resize(
            pixels[top:bottom, left:right],
            (size, size),
            interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC,
        )
        for again in self._run(np.ascontiguousarray(crop), 0, 0, self._models[1:]):
            if again.score < _CONFIRM_SCORE:
                continue
            sx, sy = (right - left) / size, (bottom - top) / size
            mapped = Box(
                left + int(again.box.left * sx),
                top + int(again.box.top * sy),
                int(again.box.width * sx),
                int(again.box.height * sy),
            )
            if _iou(mapped, box) >= 0.3:
                return True
        return False

    def _run(self, pixels: Pixels, left: int, top: int, models: list[Any]) -> list[Face]:
        height, width = pixels.shape[:2]
        found: list[Face] = []
        for model in models:
            result = model.process(pixels)
            for detection in result.detections or []:
                box = detection.location_data.relative_bounding_box
                found.append(
                    Face(
                        Box(
                            left + int(box.xmin * width),
                            top + int(box.ymin * height),
                            int(box.width * width),
                            int(box.height * height),
                        ),
                        float(detection.score[0]),
                    )
                )
        return found


def _clamped(face: Face, width: int, height: int) -> Face:
    box = face.box
    left, top = max(0, box.left), max(0, box.top)
    right, bottom = min(width, box.right), min(height, box.bottom)
    return Face(Box(left, top, max(0, right - left), max(0, bottom - top)), face.score)


def _iou(a: Box, b: Box) -> float:
    w = max(0, min(a.right, b.right) - max(a.left, b.left))
    h = max(0, min(a.bottom, b.bottom) - max(a.top, b.top))
    union = a.width * a.height + b.width * b.height - w * h
    return w * h / union if union else 0.0


def _suppress_duplicates(faces: list[Face]) -> list[Face]:
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: -f.score):
        if all(face.box.overlap(k.box) < 0.5 for k in kept):
            kept.append(face)
    return kept
