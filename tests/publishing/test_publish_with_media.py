"""The approved photos go out with the post, byte for byte and in order; a photo that changed
after approval (a different file) means a new review, not a publish."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw

from phigate.media.store import MediaStore, shared_media_scanner
from phigate.publishing.connectors import MediaItem, Published
from tests.publishing.conftest import make_publisher


class Recording:
    platform = "bluesky"

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[MediaItem, ...]]] = []

    def publish(
        self, text: str, idempotency_key: str, media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:  # fmt: skip
        self.sent.append((text, tuple(media)))
        return Published(f"post-{len(self.sent)}")

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        return None


def _poster(colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (640, 400), colour)
    ImageDraw.Draw(image).ellipse((220, 100, 420, 300), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_media_are_published_with_the_post(org: dict[str, Any]) -> None:
    service, ids = org["service"], org["ids"]
    store = MediaStore(service, scanner=shared_media_scanner())
    post = service.create_post(ids["author"], "Flu shots are free this Saturday!", [ids["account"]])
    first, second = _poster((30, 120, 200)), _poster((200, 60, 40))
    for data in (first, second):
        stored = store.store(data, "poster.png", ids["author"])
        store.attach(post.id, stored.id, ids["author"])
        assert store.scan(stored.id).verdict == "allow"
    service.submit_post(post.id, ids["author"])
    _, refusal = service.review_post(post.id, ids["reviewer"], "approve")
    assert refusal is not None and refusal.allowed
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    platform = Recording()
    publisher = make_publisher(org, connectors=lambda account, creds: platform)
    publisher.store_credentials(ids["account"], {"handle": "x"}, ids["officer"])
    outcome = publisher.publish(post.id)
    assert outcome.published == (ids["account"],)
    [(text, media)] = platform.sent
    assert text == "Flu shots are free this Saturday!"
    assert [m.data for m in media] == [first, second]
    assert [m.media_type for m in media] == ["image/png", "image/png"]
    service.session.expire_all()  # released: Instagram may now fetch them from /published-media/
    assert all(
        a.id and _released(service, a.id) for a in service.attachments(service.post(post.id))
    )


def _released(service: Any, media_id: str) -> bool:
    from phigate.storage.models import MediaRow

    row = service.session.get(MediaRow, media_id)
    return row is not None and row.released_at is not None


def test_an_unscanned_photo_keeps_the_post_from_going_out(org: dict[str, Any]) -> None:
    service, ids = org["service"], org["ids"]
    post_id = org["approved"]("Flu shots are free this Saturday!")
    store = MediaStore(service, scanner=shared_media_scanner())
    stored = store.store(_poster((10, 10, 10)), "late.png", ids["author"])
    store.attach(post_id, stored.id, ids["author"])  # after approval: back to review
    service.session.commit()
    platform = Recording()
    outcome = make_publisher(org, connectors=lambda account, creds: platform).publish(post_id)
    assert platform.sent == [] and outcome.refused


def test_takedown_stops_serving_the_media_at_once(org: dict[str, Any]) -> None:
    from phigate.storage.models import MediaRow

    service, ids = org["service"], org["ids"]
    store = MediaStore(service, scanner=shared_media_scanner())
    post = service.create_post(ids["author"], "Flu shots are free this Saturday!", [ids["account"]])
    stored = store.store(_poster((30, 120, 200)), "poster.png", ids["author"])
    store.attach(post.id, stored.id, ids["author"])
    store.scan(stored.id)
    service.submit_post(post.id, ids["author"])
    service.review_post(post.id, ids["reviewer"], "approve")
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    platform = Recording()
    publisher = make_publisher(org, connectors=lambda account, creds: platform)
    publisher.store_credentials(ids["account"], {"handle": "x"}, ids["officer"])
    publisher.publish(post.id)
    assert _released(service, stored.id)
    publisher.takedown(post.id, ids["officer"])
    service.session.expire_all()
    row = service.session.get(MediaRow, stored.id)
    assert row is not None and row.released_at is None
