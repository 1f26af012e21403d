"""Mastodon media, replies and mentions against the documented request and response shapes
(tests/publishing/fake_mastodon.py), with the documented errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.mastodon import MastodonConnector
from tests.publishing.fake_mastodon import TOKEN, mention, new_state, running


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Any]]]:
    state = new_state()
    with running(state) as base:
        yield base, state


def _connector(base: str, token: str = TOKEN) -> MastodonConnector:
    connector = MastodonConnector(base, token)
    connector.processing_wait_s = 0.01
    return connector


def _requests(state: dict[str, Any], method: str, path: str) -> list[tuple[Any, ...]]:
    return [r for r in state["requests"] if r[0] == method and r[1] == path]


def test_images_and_a_video_are_uploaded_then_attached(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    photo, clip = b"\x89PNG invented image bytes", b"invented video bytes"
    published = _connector(base).publish(
        "Tour our new imaging suite!", "key-media",
        media=[MediaItem(photo, "image/png", "The imaging suite's front desk"), MediaItem(clip, "video/mp4")],
    )  # fmt: skip
    uploads = _requests(state, "POST", "/api/v2/media")
    assert [u[3]["file"][0]["data"] for u in uploads] == [photo, clip]
    assert [u[3]["file"][0]["content_type"] for u in uploads] == ["image/png", "video/mp4"]
    assert uploads[0][3]["description"] == ["The imaging suite's front desk"]
    assert "description" not in uploads[1][3]
    assert all(u[2]["authorization"] == f"Bearer {TOKEN}" for u in uploads)
    # The video came back 202 without a url: the connector waited for it before posting.
    assert _requests(state, "GET", f"/api/v1/media/{sorted(state['media'])[1]}")
    [status_call] = _requests(state, "POST", "/api/v1/statuses")
    assert status_call[3]["media_ids[]"] == sorted(state["media"])
    assert status_call[2]["idempotency-key"] == "key-media"
    body = state["statuses"][published.platform_id]
    assert [m["type"] for m in body["media_attachments"]] == ["image", "video"]


def test_a_reply_names_the_status_it_answers(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    state["foreign"] = {"555"}  # a commenter's status on this server
    connector = _connector(base)
    answer = connector.publish("Thank you for visiting!", "key-reply", reply_to="555")
    [call] = _requests(state, "POST", "/api/v1/statuses")
    assert call[3]["in_reply_to_id"] == ["555"]
    assert state["statuses"][answer.platform_id]["in_reply_to_id"] == "555"
    plain = connector.publish("Open Saturday.", "key-plain")
    assert "in_reply_to_id" not in _requests(state, "POST", "/api/v1/statuses")[1][3]
    assert state["statuses"][plain.platform_id]["in_reply_to_id"] is None
    with pytest.raises(ConnectorError) as gone:
        connector.publish("Thanks!", "key-gone", reply_to="999")  # the comment was deleted
    assert not gone.value.retryable and "Record not found" in str(gone.value)


def test_media_errors_are_plain_and_permanent(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    connector = _connector(base)
    with pytest.raises(ConnectorError) as wrong_type:
        connector.publish(
            "Our brochure", "key-pdf", media=[MediaItem(b"%PDF-1.7", "application/pdf")]
        )
    assert not wrong_type.value.retryable and "content type is invalid" in str(wrong_type.value)
    with pytest.raises(ConnectorError) as too_large:
        connector.publish(
            "Big", "key-big", media=[MediaItem(b"\0" * (16 * 1024 * 1024 + 1), "video/mp4")]
        )
    assert not too_large.value.retryable and "larger than the server accepts" in str(
        too_large.value
    )
    with pytest.raises(ConnectorError) as too_many:
        connector.publish("Five", "key-five", media=[MediaItem(b"x", "image/png")] * 5)
    assert not too_many.value.retryable and "at most 4" in str(too_many.value)
    assert state["statuses"] == {}  # nothing was posted without its media


def test_mentions_are_read_newest_first_until_since(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    state["notifications"] = [
        mention(1, "2026-11-20T09:00:00.000Z", "Old", "<p>old news</p>", status_id="s1"),
        mention(2, "2026-11-22T09:00:00.000Z", "Kim", "<p>Do you take new patients?</p>", status_id="s2"),
        mention(3, "2026-11-22T10:00:00.000Z", "Lee", "<p>Thanks &amp; see you<br>soon</p>",
                status_id="s3", reply_to="100001"),
        mention(4, "2026-11-22T11:00:00.000Z", "Fan", "", status_id="s4", kind="favourite"),
    ] + [mention(10 + n, f"2026-11-23T10:{n:02d}:00.000Z", f"P{n}", "<p>hi</p>", status_id=f"p{n}")
         for n in range(45)]  # fmt: skip
    since = datetime(2026, 11, 21, tzinfo=UTC)
    items = _connector(base).fetch_inbound(since)
    assert len(items) == 47  # 45 + Kim + Lee; the favourite is not a mention, "Old" is before since
    calls = _requests(state, "GET", "/api/v1/notifications")
    assert all(c[3]["types[]"] == ["mention"] for c in calls)
    newest_first = sorted((n for n in state["notifications"]), key=lambda n: -int(n["id"]))
    assert len(calls) == 2 and calls[1][3]["max_id"] == [newest_first[39]["id"]]  # page 2 of 40
    by_author = {i.author: i for i in items}
    assert (
        by_author["Kim"].kind is InboundKind.MENTION
        and by_author["Kim"].text == "Do you take new patients?"
    )
    assert (
        by_author["Lee"].kind is InboundKind.REPLY
        and by_author["Lee"].text == "Thanks & see you\nsoon"
    )
    assert by_author["Lee"].external_id == "s3"
    assert by_author["Lee"].received_at == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert "Old" not in by_author


@pytest.mark.parametrize(
    ("setup", "retryable", "words"),
    [
        ({"token": "revoked"}, False, "reconnect the account"),
        ({"scopes": {"write"}}, False, "lacks a permission"),
        ({"rate_limited": True}, True, "rate-limited"),
        ({"down": True}, True, "right now"),
    ],
)
def test_reading_mentions_fails_clearly(
    server: tuple[str, dict[str, Any]], setup: dict[str, Any], retryable: bool, words: str
) -> None:
    base, state = server
    state["notifications"] = [
        mention(
            1, "2026-11-22T09:00:00.000Z", "Kim", "<p>My knee surgery went well</p>", status_id="s1"
        )
    ]
    state.update(setup)
    with pytest.raises(ConnectorError) as failed:
        _connector(base).fetch_inbound(None)
    assert failed.value.retryable is retryable and words in str(failed.value)
    assert "knee" not in str(failed.value) and "Mastodon" in str(failed.value)
    if setup.get("rate_limited"):
        assert failed.value.retry_after is not None and 25 <= failed.value.retry_after <= 31
