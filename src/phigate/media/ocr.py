"""Text in the pixels: whiteboards, monitors, wristbands, badges, signs and papers.

RapidOCR runs PaddleOCR's detection and recognition models on onnxruntime; the models are inside
the rapidocr wheel. onnxruntime queues telemetry unless told not to, which a HIPAA tool must.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from phigate.media.report import Box, Pixels

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

# Recognition quality barely changes above this size, and time grows with the pixel count.
_MAX_SIDE = 1600


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    box: Box
    score: float


class TextReader:
    @cached_property
    def _engine(self) -> Any:
        from rapidocr import RapidOCR

        # Its INFO lines name model paths and its WARNINGs fire on every blank frame: noise only.
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        # By default onnxruntime sizes its pool to the whole machine and pins threads to cores
        # outside the process's CPU allowance; size it to what this process may use instead.
        threads = int(os.environ.get("PHIGATE_OCR_THREADS", "0")) or len(os.sched_getaffinity(0))
        engine = RapidOCR(
            params={
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        return engine

    def read(self, pixels: Pixels) -> list[TextLine]:
        height, width = pixels.shape[:2]
        scale = min(1.0, _MAX_SIDE / max(height, width))
        if scale < 1.0:
            from PIL import Image

            small = Image.fromarray(pixels).resize((int(width * scale), int(height * scale)))
            pixels = np.asarray(small)
        result = self._engine(pixels)
        if result.txts is None:
            return []
        lines = []
        for text, points, score in zip(result.txts, result.boxes, result.scores, strict=True):
            xs = [p[0] / scale for p in points]
            ys = [p[1] / scale for p in points]
            box = Box(int(min(xs)), int(min(ys)), int(max(xs) - min(xs)), int(max(ys) - min(ys)))
            lines.append(TextLine(str(text), box, float(score)))
        return lines
