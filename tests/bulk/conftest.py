"""Invented exports for the bulk scan tests: a few posts and comments, a bad line, and pictures
drawn on the fly (a plain one and one that is not an image at all)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image

POSTS = [
    {"id": "p1", "text": "Our patient MRN 5571026 went home"},
    {"id": "p2", "text": "Flu shots are free for everyone this Saturday."},
    {"id": "p3", "text": "Happy 100th birthday to Mr. Hollis on Quarry Road, our patient!"},
    {"id": "p4", "text": "Visiting hours change on Monday: 8am to 8pm."},
]
COMMENTS_CSV = (
    "id,text,kind,in_reply_to\n"
    "c1,See you at your next cleaning!,reply,Best dentist in town\n"
    "c2,Thank you for the kind words!,reply,\n"
)


def write_posts(path: Path, records: list[dict[str, Any]], bad_line_at: int | None = None) -> None:
    lines = [json.dumps(r) for r in records]
    if bad_line_at is not None:
        lines.insert(bad_line_at - 1, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plain_picture(path: Path) -> None:
    Image.new("RGB", (320, 240), (200, 220, 240)).save(path)


def make_export(folder: Path, with_media: bool = True) -> Path:
    """posts.jsonl (line 3 is not JSON), comments.csv, and photos/ with a clean and a corrupt file."""
    folder.mkdir(parents=True, exist_ok=True)
    write_posts(folder / "posts.jsonl", POSTS, bad_line_at=3)
    (folder / "comments.csv").write_text(COMMENTS_CSV, encoding="utf-8")
    if with_media:
        (folder / "photos").mkdir()
        plain_picture(folder / "photos" / "lobby.png")
        (folder / "photos" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated for good")
    return folder


def read_results(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
