"""Cut the archive's items into chunks, the unit a Celery task scans: many texts (milliseconds each)
or a few media files (seconds each), so chunks take comparable time and a lost worker loses little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from phigate.bulk.archive import MediaItem, TextItem

TEXTS_PER_CHUNK = 200
MEDIA_PER_CHUNK = 5


@dataclass(frozen=True, slots=True)
class ChunkSizes:
    texts: int = TEXTS_PER_CHUNK
    media: int = MEDIA_PER_CHUNK

    def __post_init__(self) -> None:
        if self.texts < 1 or self.media < 1:
            raise ValueError("a chunk holds at least one item")


@dataclass(slots=True)
class Chunk:
    index: int
    texts: list[TextItem] = field(default_factory=list)
    media: list[MediaItem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts) + len(self.media)


def plan_chunks(items: Iterable[TextItem | MediaItem], sizes: ChunkSizes) -> Iterator[Chunk]:
    """Chunks of texts and chunks of media, in archive order, as the items stream past."""
    texts: list[TextItem] = []
    media: list[MediaItem] = []
    index = 0
    for item in items:
        if isinstance(item, TextItem):
            texts.append(item)
            if len(texts) == sizes.texts:
                yield Chunk(index, texts=texts)
                index, texts = index + 1, []
        else:
            media.append(item)
            if len(media) == sizes.media:
                yield Chunk(index, media=media)
                index, media = index + 1, []
    if texts:
        yield Chunk(index, texts=texts)
        index += 1
    if media:
        yield Chunk(index, media=media)


def count_chunks(texts: int, media: int, sizes: ChunkSizes) -> int:
    return -(-texts // sizes.texts) + -(-media // sizes.media)
