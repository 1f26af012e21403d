"""Images and replies on a real AT Protocol server: the record read back carries the image embed
(its blob fetchable) and the reply's root and parent references; an inbox reply threads under the
comment it answers."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from atproto import Client
from PIL import Image

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.engagement.operations import EngagementOperations
from phigate.publishing.bluesky import BlueskyConnector
from phigate.publishing.connectors import ConnectorError, MediaItem
from tests.publishing.conftest import make_publisher


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _clinic(pds: dict[str, Any]) -> BlueskyConnector:
    return BlueskyConnector(pds["pdsUrl"], pds["handle"], pds["password"])


def _commenter(pds: dict[str, Any]) -> BlueskyConnector:
    """A second person on the same server, who comments on the clinic's posts."""
    handle, password = f"jordan-{uuid.uuid4().hex[:8]}.test", "commenter-password"
    Client(base_url=pds["pdsUrl"]).com.atproto.server.create_account(
        {"handle": handle, "email": f"{handle}@example.org", "password": password}
    )
    return BlueskyConnector(pds["pdsUrl"], handle, password)


def _record(pds: dict[str, Any], uri: str) -> Any:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    return Client(base_url=pds["pdsUrl"]).com.atproto.repo.get_record(
        {"repo": repo, "collection": collection, "rkey": rkey}
    )


def test_an_image_is_uploaded_embedded_with_its_alt_text_and_fetchable(pds: dict[str, Any]) -> None:
    image = _png((30, 120, 200))
    published = _clinic(pds).publish(
        "Our new waiting room opens Monday.", f"img-{uuid.uuid4().hex}",
        media=[MediaItem(image, "image/png", "A bright waiting room with blue chairs")],
    )  # fmt: skip
    record = _record(pds, published.platform_id).value
    assert record.embed.py_type == "app.bsky.embed.images"
    [embedded] = record.embed.images
    assert embedded.alt == "A bright waiting room with blue chairs"
    assert embedded.image.mime_type == "image/png" and embedded.image.size == len(image)
    blob = Client(base_url=pds["pdsUrl"]).com.atproto.sync.get_blob(
        {"did": pds["did"], "cid": embedded.image.cid.encode()}
    )
    assert blob == image


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (MediaItem(b"\x00" * 2048, "video/mp4", "a tour"), "not video/mp4"),
        (MediaItem(b"\xff" * 1_000_001, "image/jpeg", "large"), "limit"),
    ],
)
def test_unsupported_or_oversized_media_is_refused_before_anything_is_sent(
    pds: dict[str, Any], item: MediaItem, words: str
) -> None:
    clinic = _clinic(pds)
    key = f"refused-{uuid.uuid4().hex}"
    with pytest.raises(ConnectorError) as refused:
        clinic.publish("Take a tour of our new wing.", key, media=[item])
    assert not refused.value.retryable and words in str(refused.value)
    assert "Take a tour" not in str(refused.value)
    assert clinic.find(key) is None


def test_a_reply_to_a_reply_keeps_the_threads_root(pds: dict[str, Any]) -> None:
    clinic, commenter = _clinic(pds), _commenter(pds)
    original = clinic.publish("Flu shots start next week.", f"root-{uuid.uuid4().hex}")
    comment = commenter.publish(
        "Will there be evening hours?", "c-1", reply_to=original.platform_id
    )
    first = _record(pds, comment.platform_id)
    assert first.value.reply.parent.uri == original.platform_id
    assert first.value.reply.root.uri == original.platform_id
    answer = clinic.publish("Yes, until 8pm on Thursdays.", f"a-{uuid.uuid4().hex}",
                            reply_to=comment.platform_id)  # fmt: skip
    reply = _record(pds, answer.platform_id).value.reply
    assert (reply.parent.uri, reply.parent.cid) == (comment.platform_id, first.cid)
    assert (reply.root.uri, reply.root.cid) == (
        original.platform_id,
        _record(pds, original.platform_id).cid,
    )


def test_an_inbox_reply_is_published_under_the_comment(
    pds: dict[str, Any], org: dict[str, Any]
) -> None:
    service, ids = org["service"], org["ids"]
    clinic, commenter = _clinic(pds), _commenter(pds)
    announcement = clinic.publish("Our clinic now offers telehealth.", f"t-{uuid.uuid4().hex}")
    comment = commenter.publish(
        "Does it work on a phone?", "c-2", reply_to=announcement.platform_id
    )
    operations = EngagementOperations(service)
    operations.receive(
        Inbound("bluesky", InboundKind.REPLY, "Jordan", "Does it work on a phone?",
                datetime.now(UTC), comment.platform_id),
        ids["account"],
    )  # fmt: skip
    service.session.flush()
    [item] = [i for i in operations.inbox() if i.text == "Does it work on a phone?"]
    post = operations.reply(
        item.id, ids["author"], "It does, on any phone or tablet.", [ids["account"]]
    )
    service.submit_post(post.id, ids["author"])
    service.review_post(post.id, ids["reviewer"], "approve")
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    publisher = make_publisher(org)
    publisher.store_credentials(
        ids["account"],
        {"service_url": pds["pdsUrl"], "handle": pds["handle"], "app_password": pds["password"]},
        ids["officer"],
    )
    assert publisher.publish(post.id).published == (ids["account"],)
    [publication] = publisher.publications(post.id)
    assert publication.platform_id is not None
    reply = _record(pds, publication.platform_id).value.reply
    assert reply.parent.uri == comment.platform_id
    assert reply.root.uri == announcement.platform_id
