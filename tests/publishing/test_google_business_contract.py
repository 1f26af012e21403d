"""The Google Business Profile connector against a local server that reproduces the documented
shapes of Google's OAuth token endpoint and My Business API v4 reviews.list, reviews.updateReply
and reviews.deleteReply, with Google's error bodies (401 UNAUTHENTICATED, 403 PERMISSION_DENIED,
429 RESOURCE_EXHAUSTED with Retry-After, 400 INVALID_ARGUMENT, 503 UNAVAILABLE)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from phigate.engagement.inbox import InboundKind
from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.google_api import GoogleAuth
from phigate.publishing.google_business import GoogleBusinessConnector
from phigate.publishing.registry import PLATFORMS, connect
from tests.publishing.fake_google_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH,
    add_token_endpoint,
    bearer_is_current,
)
from tests.publishing.local_server import Recorder, serve

ACCOUNT, LOCATION = "1122334455", "9988776655"
LOCATION_NAME = f"accounts/{ACCOUNT}/locations/{LOCATION}"


def google_error(status: int, state_name: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    return JSONResponse({"error": {"code": status, "message": message, "status": state_name}}, status_code=status, headers=headers)  # fmt: skip


def review(review_id: str, stars: str, comment: str | None, created: str, updated: str | None = None, name: str = "Dana Whitfield", anonymous: bool = False) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {"name": f"{LOCATION_NAME}/reviews/{review_id}", "reviewId": review_id, "reviewer": {"displayName": name, "isAnonymous": anonymous},
                            "starRating": stars, "createTime": created, "updateTime": updated or created}  # fmt: skip
    if comment is not None:
        body["comment"] = comment
    return body


def fake_business_profile(state: dict[str, Any]) -> FastAPI:
    app = FastAPI()
    add_token_endpoint(app, state, "https://www.googleapis.com/auth/business.manage")

    def refusal(request: Request) -> JSONResponse | None:
        if not bearer_is_current(request, state) or state.get("revoked"):
            return google_error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        if state.get("forbidden"):
            return google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
        if state.get("throttled"):
            return google_error(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Requests'.",
                {"Retry-After": "20"},
            )
        if state.get("down"):
            return google_error(503, "UNAVAILABLE", "The service is currently unavailable.")
        return None

    @app.get(f"/v4/{LOCATION_NAME}/reviews")
    async def list_reviews(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        assert request.query_params.get("orderBy") == "updateTime desc"
        size = int(request.query_params.get("pageSize", "50"))
        start = int(request.query_params.get("pageToken") or 0)
        ordered = sorted(state["reviews"].values(), key=lambda r: r["updateTime"], reverse=True)
        body: dict[str, Any] = {
            "reviews": ordered[start : start + size],
            "averageRating": 4.5,
            "totalReviewCount": len(ordered),
        }
        if start + size < len(ordered):
            body["nextPageToken"] = str(start + size)
        return JSONResponse(body)

    @app.put(f"/v4/{LOCATION_NAME}/reviews/{{review_id}}/reply")
    async def update_reply(review_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        if review_id not in state["reviews"]:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        comment = (await request.json()).get("comment") or ""
        if "diabetes" in comment:  # a policy refusal that quotes the reply back
            return google_error(
                400, "FAILED_PRECONDITION", f"Reply '{comment}' violates the review reply policy."
            )
        if not comment or len(comment.encode()) > 4096:
            return google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        reply = {"comment": comment, "updateTime": "2026-11-23T12:00:00.123456789Z"}
        state["reviews"][review_id]["reviewReply"] = reply
        return JSONResponse(reply)

    @app.delete(f"/v4/{LOCATION_NAME}/reviews/{{review_id}}/reply")
    async def delete_reply(review_id: str, request: Request) -> Response:
        if (refused := refusal(request)) is not None:
            return refused
        if state["reviews"].get(review_id, {}).pop("reviewReply", None) is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        return JSONResponse({})

    return app


@pytest.fixture
def api() -> Iterator[tuple[str, dict[str, Any], Recorder]]:
    state: dict[str, Any] = {"reviews": {}}
    recorder = Recorder()
    app = fake_business_profile(state)
    recorder.install(app)
    with serve(app) as base:
        yield base, state, recorder


def connector(base: str, refresh: str = REFRESH) -> GoogleBusinessConnector:
    auth = GoogleAuth(CLIENT_ID, CLIENT_SECRET, refresh, token_url=f"{base}/token")
    return GoogleBusinessConnector(auth, ACCOUNT, LOCATION, base_url=base)


def test_reviews_are_fetched_with_their_rating(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = api
    for number in range(60):  # more than one page
        state["reviews"][f"old{number}"] = review(
            f"old{number}", "FOUR", "Fine", f"2026-10-{1 + number % 28:02d}T09:00:00Z"
        )
    state["reviews"]["r1"] = review("r1", "FIVE", "Friendly staff", "2026-11-22T10:00:00.5Z")
    state["reviews"]["r2"] = review(
        "r2", "ONE", None, "2026-11-21T10:00:00Z", anonymous=True, name=""
    )
    state["reviews"]["r3"] = review(
        "r3", "THREE", "Edited: long wait", "2026-11-01T10:00:00Z", updated="2026-11-23T08:00:00Z"
    )
    business = connector(base)
    recent = business.fetch_inbound(datetime(2026, 11, 20, tzinfo=UTC))
    assert [(i.kind, i.author, i.text, i.rating, i.external_id) for i in recent] == [
        (InboundKind.REVIEW, "Dana Whitfield", "Edited: long wait", 3, "r3"),
        (InboundKind.REVIEW, "Dana Whitfield", "Friendly staff", 5, "r1"),
        (InboundKind.REVIEW, "Anonymous", "", 1, "r2"),
    ]
    assert recent[1].received_at == datetime(2026, 11, 22, 10, 0, 0, 500000, tzinfo=UTC)
    assert all(i.platform == "google_business" for i in recent)
    assert len(recorder.to("GET", f"/v4/{LOCATION_NAME}/reviews")) == 1  # older pages not read
    everything = business.fetch_inbound(None)
    assert len(everything) == 63 and len({i.external_id for i in everything}) == 63
    assert recorder.to("GET", f"/v4/{LOCATION_NAME}/reviews")[-1].query["pageToken"] == "50"


def test_a_reply_is_put_replaced_and_withdrawn(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, recorder = api
    state["reviews"]["r1"] = review("r1", "FIVE", "Friendly staff", "2026-11-22T10:00:00Z")
    business = connector(base)
    answer = business.publish("Thank you for your kind words!", "key-1", reply_to="r1")
    assert answer.platform_id == f"{LOCATION_NAME}/reviews/r1"
    put = recorder.to("PUT", f"/v4/{LOCATION_NAME}/reviews/r1/reply")[0]
    assert put.headers["authorization"] == "Bearer ya29.token-0"
    assert put.headers["content-type"] == "application/json"
    assert state["reviews"]["r1"]["reviewReply"]["comment"] == "Thank you for your kind words!"
    again = business.publish(
        "Thank you so much!", "key-1", reply_to=answer.platform_id
    )  # full name works too
    assert (
        again == answer and state["reviews"]["r1"]["reviewReply"]["comment"] == "Thank you so much!"
    )
    assert business.find("key-1") is None  # a retried reply replaces, never duplicates
    business.delete(answer.platform_id)
    assert "reviewReply" not in state["reviews"]["r1"]
    business.delete(answer.platform_id)  # already withdrawn: fine


def test_posts_and_media_are_refused(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, _, recorder = api
    business = connector(base)
    with pytest.raises(ConnectorError) as post:
        business.publish("Flu shots on Saturday", "key-2")
    assert not post.value.retryable and "only answers reviews" in str(post.value)
    with pytest.raises(ConnectorError) as photo:
        business.publish(
            "Thanks", "key-3", media=[MediaItem(b"\xff\xd8", "image/jpeg")], reply_to="r1"
        )
    assert not photo.value.retryable
    assert recorder.requests == []


def test_errors_are_classified(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = api
    state["reviews"]["r1"] = review("r1", "TWO", "Rude receptionist", "2026-11-22T10:00:00Z")
    secret = "We are sorry about your visit for your diabetes check, Ms. Whitfield"
    with pytest.raises(ConnectorError) as revoked_grant:
        connector(base, "stale-refresh").publish(secret, "key-4", reply_to="r1")
    assert not revoked_grant.value.retryable and "reconnect the account" in str(revoked_grant.value)
    business = connector(base)
    with pytest.raises(ConnectorError) as echoed:
        business.publish(secret, "key-10", reply_to="r1")
    assert not echoed.value.retryable and "violates the review reply policy" in str(echoed.value)
    with pytest.raises(ConnectorError) as invalid:
        business.publish("x" * 5000, "key-5", reply_to="r1")
    assert not invalid.value.retryable and "invalid argument" in str(invalid.value)
    with pytest.raises(ConnectorError) as missing:
        business.publish("Thanks", "key-6", reply_to="no-such-review")
    assert not missing.value.retryable and "404" in str(missing.value)
    state["revoked"] = True
    with pytest.raises(ConnectorError) as expired:
        business.publish(secret, "key-7", reply_to="r1")
    assert not expired.value.retryable and "reconnect the account" in str(expired.value)
    state["revoked"] = False
    state["forbidden"] = True
    with pytest.raises(ConnectorError) as forbidden:
        business.fetch_inbound(None)
    assert not forbidden.value.retryable and "permission" in str(forbidden.value)
    state["forbidden"] = False
    state["throttled"] = True
    with pytest.raises(ConnectorError) as limited:
        business.publish(secret, "key-8", reply_to="r1")
    assert limited.value.retryable and limited.value.retry_after == 20
    state["throttled"] = False
    state["down"] = True
    with pytest.raises(ConnectorError) as down:
        business.delete("r1")
    assert down.value.retryable
    for error in (revoked_grant, echoed, invalid, missing, expired, forbidden, limited, down):
        assert "diabetes" not in str(error.value) and "Rude" not in str(error.value)
        assert "Google" in str(error.value)


def test_registry_connects_a_location(api: tuple[str, dict[str, Any], Recorder]) -> None:
    base, state, _ = api
    spec = PLATFORMS["google_business"]
    assert spec.missing({}) == [
        "client_id",
        "client_secret",
        "refresh_token",
        "account_id",
        "location_id",
    ]
    state["reviews"]["r1"] = review("r1", "FIVE", "Great", "2026-11-22T10:00:00Z")
    business = connect("google_business", {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH,
                                           "account_id": ACCOUNT, "location_id": LOCATION, "token_url": f"{base}/token", "api_base_url": base})  # fmt: skip
    business.publish("Thank you!", "key-9", reply_to="r1")
    assert state["reviews"]["r1"]["reviewReply"]["comment"] == "Thank you!"
