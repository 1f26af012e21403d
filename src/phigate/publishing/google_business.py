"""Google Business Profile: reading reviews and answering them (My Business API v4).

- Reviews: GET /v4/accounts/{a}/locations/{l}/reviews, newest update first
  (https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/list);
  each becomes an inbound review with its star rating (starRating ONE..FIVE).
- Answer: PUT /v4/accounts/{a}/locations/{l}/reviews/{r}/reply {"comment": ...}
  (https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/updateReply);
  the returned platform id is the review's name, since a review has exactly one reply.
- Withdraw an answer: DELETE .../reviews/{r}/reply.

This connector only answers reviews: a Business Profile is not a feed, so publish() without a
review to answer is refused. `find` returns None: an answer is put, not posted, so sending it again
after an interruption replaces the same reply and nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from phigate.engagement.inbox import Inbound, InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem, Published
from phigate.publishing.google_api import GoogleAuth, GoogleClient, parse_rfc3339
from phigate.publishing.platform_http import understood_answers

BUSINESS_PROFILE_BASE_URL = "https://mybusiness.googleapis.com"
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
PAGE_SIZE = 50  # the API's maximum
REVIEW_PAGES = 10


class GoogleBusinessConnector:
    platform = "google_business"

    def __init__(
        self,
        auth: GoogleAuth,
        account_id: str,
        location_id: str,
        base_url: str = BUSINESS_PROFILE_BASE_URL,
    ) -> None:
        self._api = GoogleClient("Google Business Profile", auth, base_url)
        self._location = f"accounts/{account_id}/locations/{location_id}"

    @understood_answers("Google Business Profile")
    def publish(
        self,
        text: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
        reply_to: str | None = None,
    ) -> Published:
        if reply_to is None:
            raise ConnectorError(
                "A Google Business Profile account in phigate only answers reviews; "
                "take it off this post's accounts.",
                retryable=False,
            )
        if media:
            raise ConnectorError(
                "Google review replies carry text only; remove the media from the reply.",
                retryable=False,
            )
        review = self._review_name(reply_to)
        self._api.call(
            "PUT",
            f"/v4/{review}/reply",
            "answer the review",
            json={"comment": text},
            hidden=(text,),
        )
        return Published(review, None)

    @understood_answers("Google Business Profile")
    def find(self, idempotency_key: str) -> Published | None:
        return None

    @understood_answers("Google Business Profile")
    def delete(self, platform_id: str) -> None:
        self._api.call(
            "DELETE",
            f"/v4/{self._review_name(platform_id)}/reply",
            "withdraw the review reply",
            gone_ok=True,
        )

    @understood_answers("Google Business Profile")
    def fetch_inbound(self, since: datetime | None) -> list[Inbound]:
        found: list[Inbound] = []
        params = {"pageSize": str(PAGE_SIZE), "orderBy": "updateTime desc"}
        for _ in range(REVIEW_PAGES):
            page = self._api.call_json(
                "GET", f"/v4/{self._location}/reviews", "read reviews", params=params
            )
            reviews = page.get("reviews") if isinstance(page, dict) else None
            reviews = reviews if isinstance(reviews, list) else []
            older = False
            for review in reviews:
                updated = parse_rfc3339(review.get("updateTime") or review["createTime"])
                if since is not None and updated <= since:
                    older = True  # ordered by update time: the rest are older still
                    break
                found.append(self._inbound(review))
            token = page.get("nextPageToken") if isinstance(page, dict) else None
            if older or not token:
                break
            params["pageToken"] = str(token)
        return found

    def _inbound(self, review: dict[str, Any]) -> Inbound:
        reviewer = review.get("reviewer") or {}
        author = "Anonymous" if reviewer.get("isAnonymous") else str(reviewer.get("displayName") or "A Google user")  # fmt: skip
        return Inbound(
            self.platform,
            InboundKind.REVIEW,
            author,
            str(review.get("comment") or ""),  # a rating without words has no comment
            parse_rfc3339(review["createTime"]),
            str(review["reviewId"]),
            STARS.get(str(review.get("starRating"))),
        )

    def _review_name(self, review: str) -> str:
        # Accepts a review id (what fetch_inbound reports) or the full resource name.
        name = review.removesuffix("/reply")
        return name if name.startswith("accounts/") else f"{self._location}/reviews/{name}"
