"""Redact a video frame by frame: faces blurred in every frame, identifying text masked from the
frame it was read in until the next sampled frame, subtitles and container metadata dropped."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av

from phigate.media.loading import Frame, MediaError
from phigate.media.report import MediaFinding, Source
from phigate.media.video import FrameSampler, rgb

if TYPE_CHECKING:
    from phigate.media.redact import Redaction
    from phigate.media.scanner import MediaScanner

_CODEC = {".webm": "libvpx", ".mkv": "libvpx"}


def redact_video(scanner: MediaScanner, source: Path, output: Path) -> Redaction:
    from phigate.media.redact import Redaction, mask

    options = scanner.options
    masked = 0
    held: list[MediaFinding] = []
    redacted: list[MediaFinding] = []
    sampler = FrameSampler(options.video_sample_fps, options.scene_change)
    try:
        with av.open(str(source)) as container, av.open(str(output), "w") as sink:
            stream = container.streams.video[0]
            rate = stream.average_rate or Fraction(25)
            out: av.VideoStream = sink.add_stream(  # type: ignore[assignment]
                _CODEC.get(output.suffix.lower(), "mpeg4"), rate=rate
            )
            out.width = stream.codec_context.width
            out.height = stream.codec_context.height
            out.pix_fmt = "yuv420p"
            out.bit_rate = 4_000_000
            for index, frame in enumerate(container.decode(stream)):
                pixels = rgb(frame)
                seconds = float(frame.time or 0.0)
                if sampler.due(frame):
                    # Text is read on sampled frames only (OCR is the slow part) and held until
                    # the next sample; faces move, so they are found in every frame.
                    found = scanner.scan_frame(Frame(index, pixels, seconds))
                    held = [f for f in found if f.box and f.source is not Source.FACE]
                faces = [
                    MediaFinding(f.type, f.source, f.score, f.reason, False, box=f.box)
                    for f in scanner.face_findings(pixels)
                ]
                applied = [replace(f, seconds=seconds) for f in faces + held]
                redacted += applied
                pixels, count = mask(pixels, applied)
                masked += count
                new = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                for packet in out.encode(new):
                    sink.mux(packet)
            for packet in out.encode():
                sink.mux(packet)
    except av.error.FFmpegError:
        output.unlink(missing_ok=True)
        raise MediaError(f"{source.name}: the video could not be decoded or re-encoded") from None
    residual = scanner.scan(output)
    metadata = 0
    return Redaction(output, masked, metadata, residual, tuple(redacted))
