from pathlib import Path

import av
import numpy as np
from PIL import ImageDraw

from phigate.media import MediaScanner, Source, redact_media
from phigate.scanning import IdentifierType
from tests.media.conftest import astronaut, font

T = IdentifierType


def _clip(path: Path) -> None:
    base = astronaut().resize((640, 480))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 640, 480, "yuv420p"
        container.metadata["title"] = "Walter Kozlowski discharge day"
        for index in range(30):
            frame = base.copy()
            if index >= 15:  # a chart appears halfway through
                draw = ImageDraw.Draw(frame)
                draw.rectangle((20, 380, 620, 470), fill="white")
                draw.text((30, 395), "MRN 5571026 Room 418", fill="black", font=font(36))
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.asarray(frame), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_video_frames_captions_and_metadata(media_scanner: MediaScanner, tmp_path: Path) -> None:
    clip = tmp_path / "visit.mp4"
    _clip(clip)
    (tmp_path / "visit.en.srt").write_text(
        "1\n00:00:01,000 --> 00:00:02,500\nMr. Kozlowski went home yesterday after surgery\n"
    )
    report = media_scanner.scan(clip)
    assert report.media == "video" and report.frames_scanned >= 3
    mrn = [f for f in report.findings if f.type is T.MRN]
    assert mrn and all(f.seconds is not None and f.seconds >= 1.5 for f in mrn)
    assert any(f.source is Source.FACE for f in report.findings)
    assert any(f.source is Source.CAPTION and f.type is T.NAME for f in report.findings)
    assert any(
        f.source is Source.METADATA and f.field == "container title" for f in report.findings
    )


def test_video_redaction_is_verified(media_scanner: MediaScanner, tmp_path: Path) -> None:
    clip, safe = tmp_path / "visit.mp4", tmp_path / "visit-safe.mp4"
    _clip(clip)
    result = redact_media(clip, safe, media_scanner)
    assert result.verified, result.residual.findings
