"""The Mastodon connector against a local HTTP server that reproduces the documented request and
response shapes of POST /api/v1/statuses and DELETE /api/v1/statuses/:id, with their errors
(tests/publishing/fake_mastodon.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from phigate.publishing.connectors import ConnectorError
from phigate.publishing.mastodon import MastodonConnector
from tests.publishing.fake_mastodon import TOKEN, new_state, running


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Any]]]:
    state = new_state()
    with running(state) as base:
        yield base, state


def test_publish_is_idempotent_and_delete_removes(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    connector = MastodonConnector(base, TOKEN)
    first = connector.publish("Flu shots are free this Saturday!", "key-1")
    again = connector.publish("Flu shots are free this Saturday!", "key-1")  # a retry after a crash
    assert first == again and len(state["statuses"]) == 1
    assert first.url == f"https://social.example/@clinic/{first.platform_id}"
    connector.delete(first.platform_id)
    assert state["statuses"] == {}
    connector.delete(first.platform_id)  # already gone: fine


def test_errors_are_classified(server: tuple[str, dict[str, Any]]) -> None:
    base, state = server
    with pytest.raises(ConnectorError) as rejected:
        MastodonConnector(base, TOKEN).publish("x" * 501, "key-2")
    assert not rejected.value.retryable and "character limit" in str(rejected.value)
    with pytest.raises(ConnectorError) as unauthorized:
        MastodonConnector(base, "wrong").publish("hello", "key-3")
    assert not unauthorized.value.retryable and "token" in str(unauthorized.value)
    state["rate_limited"] = True
    with pytest.raises(ConnectorError) as limited:
        MastodonConnector(base, TOKEN).publish("hello", "key-4")
    assert limited.value.retryable
    assert limited.value.retry_after is not None and 25 <= limited.value.retry_after <= 31
