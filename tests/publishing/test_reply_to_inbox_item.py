"""A reply drafted in the inbox threads under the comment on the account the comment came from,
and goes out as a plain post on any other account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from phigate.compliance.accounts import SocialAccount
from phigate.engagement.inbox import Inbound, InboundKind
from phigate.engagement.operations import EngagementOperations
from phigate.publishing.connectors import MediaItem, Published
from tests.publishing.conftest import make_publisher


class Recording:
    """A platform that remembers what each publish answered."""

    platform = "recording"

    def __init__(self) -> None:
        self.replies_to: list[str | None] = []

    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        self.replies_to.append(reply_to)
        return Published(f"post-{len(self.replies_to)}")

    def find(self, idempotency_key: str) -> Published | None:
        return None

    def delete(self, platform_id: str) -> None:
        return None


def _second_account(org: dict[str, Any]) -> str:
    service, ids = org["service"], org["ids"]
    account = service.request_account("mastodon", "@cedarridge", ids["author"], ids["author"])
    service.decide_account(account.id, True, ids["officer"])
    service.grant_posting_rights(ids["author"], account.id, ids["officer"])
    service.session.commit()
    return str(account.id)


def _approved_reply(
    org: dict[str, Any], comment_id: str, from_account: str | None, to: list[str]
) -> str:
    service, ids = org["service"], org["ids"]
    operations = EngagementOperations(service)
    comment = Inbound(
        "bluesky", InboundKind.REPLY, "Jordan", "The new parking garage is so convenient!",
        datetime.now(UTC), comment_id,
    )  # fmt: skip
    assert operations.receive(comment, from_account)
    service.session.flush()
    [item] = [i for i in operations.inbox() if i.author == "Jordan"]
    post = operations.reply(item.id, ids["author"], "Thank you, we are glad it helps!", to)
    service.submit_post(post.id, ids["author"])
    service.review_post(post.id, ids["reviewer"], "approve")
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    return str(post.id)


def test_a_reply_threads_only_on_the_account_the_comment_came_from(org: dict[str, Any]) -> None:
    bluesky, mastodon = org["ids"]["account"], _second_account(org)
    platforms = {bluesky: Recording(), mastodon: Recording()}
    publisher = make_publisher(org, connectors=lambda account, _: platforms[account.id])
    for account in (bluesky, mastodon):
        publisher.store_credentials(account, {"token": "invented"}, org["ids"]["officer"])
    comment_uri = "at://did:plc:commenter/app.bsky.feed.post/3kcomment"
    post_id = _approved_reply(org, comment_uri, bluesky, [bluesky, mastodon])
    outcome = publisher.publish(post_id)
    assert set(outcome.published) == {bluesky, mastodon}
    assert platforms[bluesky].replies_to == [comment_uri]
    assert platforms[mastodon].replies_to == [None]


def test_a_reply_to_an_imported_comment_is_a_plain_post(org: dict[str, Any]) -> None:
    recording = Recording()
    publisher = make_publisher(org, connectors=lambda account, _: recording)
    account: str = org["ids"]["account"]
    publisher.store_credentials(account, {"token": "invented"}, org["ids"]["officer"])
    post_id = _approved_reply(org, "export-row-7", None, [account])  # imported: no account
    assert publisher.publish(post_id).published == (account,)
    assert recording.replies_to == [None]


def test_an_ordinary_post_is_not_a_reply(org: dict[str, Any]) -> None:
    recording = Recording()

    def factory(account: SocialAccount, credentials: dict[str, Any]) -> Recording:
        return recording

    publisher = make_publisher(org, connectors=factory)
    publisher.store_credentials(org["ids"]["account"], {"token": "x"}, org["ids"]["officer"])
    publisher.publish(org["approved"]("Our pharmacy now opens at 7am on weekdays."))
    assert recording.replies_to == [None]
