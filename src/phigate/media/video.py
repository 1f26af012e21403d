"""Video: sampled frames (at a fixed rate and at scene changes), caption tracks, sidecar subtitle
files (SRT, WebVTT) and container metadata, all through the same scanners as a still image."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import numpy.typing as npt

from phigate.media.loading import Frame, MediaError
from phigate.media.metadata import MetadataField
from phigate.media.report import MediaFinding, MediaReport, Pixels, Source
from phigate.scanning import ScanKind

if TYPE_CHECKING:
    from phigate.media.scanner import MediaScanner

_CUE_TIME = re.compile(r"^\s*[\d:.,]+\s*-->\s*[\d:.,]+")


def scan_video(scanner: MediaScanner, path: Path, kind: str) -> MediaReport:
    from phigate.media.scanner import build_report

    options = scanner.options
    findings: list[MediaFinding] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"{path.name}: the file has no video stream")
            stream = container.streams.video[0]
            size = (stream.codec_context.width, stream.codec_context.height)
            if size[0] * size[1] > options.limits.max_pixels:
                raise MediaError(
                    f"{path.name}: {size[0]}x{size[1]} frames are over the pixel limit"
                )
            frames = 0
            for frame in sample_frames(container, options.video_sample_fps, options.scene_change):
                if frames >= options.limits.max_frames:
                    break
                frames += 1
                findings += scanner.scan_frame(frame)
            tags = {**container.metadata, **stream.metadata}
            findings += scanner.metadata_findings(
                MetadataField(f"container {key}", str(value), None) for key, value in tags.items()
            )
            findings += _caption_tracks(scanner, path)
    except av.error.FFmpegError:
        raise MediaError(f"{path.name}: the video is truncated or corrupt") from None
    findings += _sidecar_captions(scanner, path)
    return build_report(path.name, "video", kind, size, frames, findings)


class FrameSampler:
    """Decides which frames to scan: one every 1/fps seconds, plus any frame whose picture differs
    sharply from the last scanned one (a cut to a new scene can show a chart for half a second)."""

    def __init__(self, fps: float, scene: float) -> None:
        self.interval = 1.0 / fps
        self.scene = scene
        self.next_time = 0.0
        self.last: npt.NDArray[np.int16] | None = None

    def due(self, frame: av.VideoFrame) -> bool:
        seconds = float(frame.time or 0.0)
        picture = frame.to_image()  # type: ignore[no-untyped-call]
        small = np.asarray(picture.convert("L").resize((64, 36)), dtype=np.int16)
        changed = self.last is not None and float(np.abs(small - self.last).mean()) > self.scene
        if seconds >= self.next_time or changed:
            self.next_time = seconds + self.interval
            self.last = small
            return True
        return False


def rgb(frame: av.VideoFrame) -> Pixels:
    pixels: Pixels = frame.to_ndarray(format="rgb24")  # type: ignore[assignment]
    return pixels


def sample_frames(
    container: av.container.InputContainer, fps: float, scene: float
) -> Iterator[Frame]:
    stream = container.streams.video[0]
    sampler = FrameSampler(fps, scene)
    for index, frame in enumerate(container.decode(stream)):
        if sampler.due(frame):
            yield Frame(index, rgb(frame), float(frame.time or 0.0))


def _caption_tracks(scanner: MediaScanner, path: Path) -> list[MediaFinding]:
    found: list[MediaFinding] = []
    with av.open(str(path)) as container:
        for stream in container.streams.subtitles:
            for packet in container.demux(stream):
                for subtitle in packet.decode():
                    for rect in getattr(subtitle, "rects", []):
                        text = getattr(rect, "text", "") or _ass_text(getattr(rect, "ass", ""))
                        base = stream.time_base
                        seconds = float(packet.pts * base) if packet.pts and base else None
                        found += _caption_findings(
                            scanner, text, f"caption track {stream.index}", seconds
                        )
    return found


def _sidecar_captions(scanner: MediaScanner, path: Path) -> list[MediaFinding]:
    found: list[MediaFinding] = []
    for sidecar in sorted(path.parent.glob(f"{path.stem}*")):
        if sidecar.suffix.lower() not in (".srt", ".vtt"):
            continue
        try:
            content = sidecar.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as error:
            raise MediaError(
                f"{sidecar.name}: cannot read the caption file ({error.strerror})"
            ) from None
        for cue in _cues(content):
            found += _caption_findings(scanner, cue, sidecar.name, None)
    return found


def _cues(content: str) -> Iterator[str]:
    """The text of each cue, without numbers, timings and the WEBVTT header."""
    for block in re.split(r"\n\s*\n", content.replace("\r\n", "\n")):
        lines = [
            line
            for line in block.splitlines()
            if line.strip()
            and not line.strip().isdigit()
            and not _CUE_TIME.match(line)
            and not line.startswith(("WEBVTT", "NOTE", "STYLE"))
        ]
        if lines:
            yield re.sub(r"<[^>]+>", "", " ".join(lines))


def _ass_text(ass: str) -> str:
    return re.sub(r"\{[^}]*\}", "", ass.split(",", 8)[-1]).replace("\\N", " ")


def _caption_findings(
    scanner: MediaScanner, text: str, where: str, seconds: float | None
) -> list[MediaFinding]:
    report = scanner.scanner.scan(text, ScanKind.POST)
    return [
        MediaFinding(
            f.type, Source.CAPTION, f.score, f"In the captions ({where}): {f.reason}",
            patient_linked=f.patient_linked, seconds=seconds, field=where, text=text[f.start : f.end],
        )
        for f in report.findings
    ]  # fmt: skip
