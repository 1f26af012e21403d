"""An expired X, LinkedIn or Pinterest access token is renewed with the stored refresh token, the
call is sent again, and the Publisher keeps the new credentials (sealed, audited by account id only).

A local server stands in for each platform's token endpoint (X: POST /2/oauth2/token, HTTP Basic
for a confidential client or client_id in the body for a public one; LinkedIn: POST
/oauth/v2/accessToken, client id and secret in the body; Pinterest: POST /v5/oauth/token, HTTP
Basic) and for one API call of each, which answers 401 to any token but the current one.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from phigate.publishing.publisher import Publisher
from tests.publishing.conftest import make_publisher
from tests.publishing.local_server import Recorder, Seen, serve

TOKEN_PATHS = {"x": "/2/oauth2/token", "linkedin": "/oauth/v2/accessToken", "pinterest": "/v5/oauth/token"}  # fmt: skip
UNAUTHORIZED = {
    "x": {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
    "linkedin": {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"},
    "pinterest": {"code": 2, "message": "Authentication failed."},
}  # fmt: skip


class Platforms:
    """Each platform's live tokens; a renewal issues new ones (and a new refresh token if rotating)."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.access = {p: f"{p}-access-live" for p in TOKEN_PATHS}
        self.refresh = {p: f"{p}-refresh-0" for p in TOKEN_PATHS}
        self.rotating = {"x": True, "linkedin": False, "pinterest": True}
        self.token_status: int | None = None  # a forced answer from the token endpoints
        self.issued = 0

    def app(self) -> FastAPI:
        server = FastAPI()
        self.recorder.install(server)
        for platform, path in TOKEN_PATHS.items():
            server.post(path)(self._token_endpoint(platform))

        @server.post("/2/tweets")
        async def tweet(request: Request) -> Response:
            if (refused := self._refused("x", request)) is not None:
                return refused
            return JSONResponse({"data": {"id": "1800000000000000001", "text": "hi"}}, status_code=201)  # fmt: skip

        @server.post("/rest/posts")
        async def linkedin_post(request: Request) -> Response:
            if (refused := self._refused("linkedin", request)) is not None:
                return refused
            return Response(status_code=201, headers={"x-restli-id": "urn:li:share:7001"})

        @server.delete("/v5/pins/{pin_id}")
        async def delete_pin(pin_id: str, request: Request) -> Response:
            if (refused := self._refused("pinterest", request)) is not None:
                return refused
            return Response(status_code=204)

        return server

    def _refused(self, platform: str, request: Request) -> Response | None:
        if request.headers.get("authorization") == f"Bearer {self.access[platform]}":
            return None
        return JSONResponse(UNAUTHORIZED[platform], status_code=401)

    def _token_endpoint(self, platform: str) -> Any:
        async def token(request: Request) -> Response:
            if self.token_status is not None:
                return JSONResponse({"error": "temporarily_unavailable"}, status_code=self.token_status)  # fmt: skip
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            if (
                form.get("grant_type") != "refresh_token"
                or form.get("refresh_token") != self.refresh[platform]
            ):
                # X's and LinkedIn's answer to a spent, revoked or unknown refresh token.
                return JSONResponse({"error": "invalid_request", "error_description": f"Value passed for the token was invalid: {form.get('refresh_token')}"}, status_code=400)  # fmt: skip
            self.issued += 1
            self.access[platform] = f"{platform}-access-{self.issued}"
            if self.rotating[platform]:
                self.refresh[platform] = f"{platform}-refresh-{self.issued}"
            return JSONResponse({"token_type": "bearer", "access_token": self.access[platform], "expires_in": 7200,
                                 "refresh_token": self.refresh[platform], "scope": "offline.access"})  # fmt: skip

        return token

    def token_requests(self, platform: str) -> list[Seen]:
        return self.recorder.to("POST", TOKEN_PATHS[platform])


@pytest.fixture
def platforms() -> Iterator[tuple[str, Platforms]]:
    fake = Platforms()
    with serve(fake.app()) as base:
        yield base, fake


def _account(org: dict[str, Any], platform: str) -> str:
    service, ids = org["service"], org["ids"]
    account = service.request_account(platform, "@riverside", ids["author"], ids["author"])
    service.decide_account(account.id, True, ids["officer"])
    service.grant_posting_rights(ids["author"], account.id, ids["officer"])
    service.session.commit()
    return str(account.id)


def _credentials(base: str, platform: str, **fields: Any) -> dict[str, Any]:
    extra = {"x": {"user_id": "1500"}, "linkedin": {"organization_id": "2414183"}, "pinterest": {"board_id": "549755885175"}}  # fmt: skip
    return {
        "access_token": f"{platform}-access-expired",
        "refresh_token": f"{platform}-refresh-0",
        "client_id": f"{platform}-client",
        "client_secret": f"{platform}-client-secret",
        "token_url": base + TOKEN_PATHS[platform],
        "api_base_url": base,
        **extra[platform],
        **fields,
    }


def _approved_post(org: dict[str, Any], account_id: str, text: str) -> str:
    service, ids = org["service"], org["ids"]
    post = service.create_post(ids["author"], text, [account_id])
    service.submit_post(post.id, ids["author"])
    service.review_post(post.id, ids["reviewer"], "approve")
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    return str(post.id)


def _refreshed_entries(org: dict[str, Any]) -> list[Any]:
    with org["sessions"]() as session:
        from phigate.service import ComplianceService

        entries = ComplianceService(session, org["vault"], org["clock"]).audit_entries()
    return [e for e in entries if e.action == "credentials.refreshed"]


def _connector(org: dict[str, Any], publisher: Publisher, account_id: str) -> Any:
    [account] = [a for a in org["service"].accounts() if a.id == account_id]
    return publisher.connector_for(account)


def _store(org: dict[str, Any], account_id: str, credentials: dict[str, Any]) -> Publisher:
    publisher = make_publisher(org)
    publisher.store_credentials(account_id, credentials, org["ids"]["officer"])
    return publisher


def test_x_renews_an_expired_token_saves_the_rotated_one_and_publishes(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "x")
    publisher = _store(org, account_id, _credentials(base, "x"))
    before = time.time()
    outcome = publisher.publish(_approved_post(org, account_id, "Flu shots are available now"))
    assert outcome.published == (account_id,)
    [renewal] = fake.token_requests("x")
    secret = base64.b64encode(b"x-client:x-client-secret").decode()
    assert renewal.headers["authorization"] == f"Basic {secret}"  # a confidential client
    assert parse_qs(renewal.body.decode()) == {"grant_type": ["refresh_token"], "refresh_token": ["x-refresh-0"]}  # fmt: skip
    tweets = fake.recorder.to("POST", "/2/tweets")
    assert [t.headers["authorization"] for t in tweets] == ["Bearer x-access-expired", "Bearer x-access-1"]  # fmt: skip
    stored = publisher._credentials(account_id)
    assert stored["access_token"] == "x-access-1"
    assert stored["refresh_token"] == "x-refresh-1"  # X rotates it: the old one is spent
    assert before + 7200 - 5 <= stored["expires_at"] <= time.time() + 7200
    assert stored["user_id"] == "1500"  # the other fields are kept
    [entry] = _refreshed_entries(org)
    assert (entry.subject_type, entry.subject_id, entry.details) == ("account", account_id, {})
    # The next post goes out with the same renewed connector: no second renewal, no 401.
    second = publisher.publish(_approved_post(org, account_id, "Come see the new wing"))
    assert second.published == (account_id,)
    assert len(fake.token_requests("x")) == 1
    assert fake.recorder.to("POST", "/2/tweets")[-1].headers["authorization"] == "Bearer x-access-1"


def test_x_public_client_renews_before_the_stored_expiry(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "x")
    credentials = _credentials(base, "x", client_secret="", expires_at=int(time.time()) - 10)
    publisher = _store(org, account_id, credentials)
    outcome = publisher.publish(_approved_post(org, account_id, "Walk-in hours change"))
    assert outcome.published == (account_id,)
    [renewal] = fake.token_requests("x")
    assert "authorization" not in renewal.headers  # a public client has no secret
    assert parse_qs(renewal.body.decode())["client_id"] == ["x-client"]
    # Renewed before the call, so X never saw the expired token.
    assert [t.headers["authorization"] for t in fake.recorder.to("POST", "/2/tweets")] == ["Bearer x-access-1"]  # fmt: skip
    assert publisher._credentials(account_id)["refresh_token"] == "x-refresh-1"


def test_linkedin_renews_with_the_client_credentials_in_the_body(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "linkedin")
    publisher = _store(org, account_id, _credentials(base, "linkedin"))
    published = _connector(org, publisher, account_id).publish("Parking update", "key-1")
    assert published.platform_id == "urn:li:share:7001"
    [renewal] = fake.token_requests("linkedin")
    assert "authorization" not in renewal.headers
    assert parse_qs(renewal.body.decode()) == {
        "grant_type": ["refresh_token"], "refresh_token": ["linkedin-refresh-0"],
        "client_id": ["linkedin-client"], "client_secret": ["linkedin-client-secret"],
    }  # fmt: skip
    stored = publisher._credentials(account_id)
    assert (stored["access_token"], stored["refresh_token"]) == ("linkedin-access-1", "linkedin-refresh-0")  # fmt: skip
    assert [e.subject_id for e in _refreshed_entries(org)] == [account_id]


def test_pinterest_keeps_the_new_continuous_refresh_token(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "pinterest")
    publisher = _store(org, account_id, _credentials(base, "pinterest"))
    connector = _connector(org, publisher, account_id)
    connector.delete("1022106146375014")
    [renewal] = fake.token_requests("pinterest")
    secret = base64.b64encode(b"pinterest-client:pinterest-client-secret").decode()
    assert renewal.headers["authorization"] == f"Basic {secret}"
    stored = publisher._credentials(account_id)
    assert (stored["access_token"], stored["refresh_token"]) == ("pinterest-access-1", "pinterest-refresh-1")  # fmt: skip
    assert _connector(org, publisher, account_id) is connector  # still cached, under the new tokens


def test_a_refused_renewal_asks_to_reconnect_without_any_token(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, _ = platforms
    account_id = _account(org, "x")
    credentials = _credentials(base, "x", refresh_token="x-refresh-revoked")
    publisher = _store(org, account_id, credentials)
    outcome = publisher.publish(_approved_post(org, account_id, "Flu shots are available now"))
    [(failed_account, reason)] = outcome.failed
    assert failed_account == account_id and outcome.retry == ()
    assert "reconnect the X account" in reason and "invalid_request" in reason
    for secret in ("x-refresh-revoked", "x-access-expired", "x-client-secret", "Value passed"):
        assert secret not in reason
    assert publisher._credentials(account_id) == credentials
    assert _refreshed_entries(org) == []


def test_an_unavailable_token_endpoint_is_retried_later(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    fake.token_status = 503
    account_id = _account(org, "x")
    publisher = _store(org, account_id, _credentials(base, "x"))
    outcome = publisher.publish(_approved_post(org, account_id, "Flu shots are available now"))
    [(_, reason, _)] = outcome.retry
    assert "could not renew the access token right now (HTTP 503)" in reason


def test_without_a_refresh_token_an_expired_token_is_reported_as_before(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "x")
    credentials = _credentials(base, "x", refresh_token="", client_id="", client_secret="")
    publisher = _store(org, account_id, credentials)
    outcome = publisher.publish(_approved_post(org, account_id, "Flu shots are available now"))
    [(_, reason)] = outcome.failed
    assert "access token has expired or was revoked; reconnect the X account" in reason
    assert fake.token_requests("x") == []
    assert publisher._credentials(account_id) == credentials


def test_a_second_worker_refused_the_spent_token_uses_the_one_the_first_saved(
    org: dict[str, Any], platforms: tuple[str, Platforms]
) -> None:
    base, fake = platforms
    account_id = _account(org, "x")
    first = _store(org, account_id, _credentials(base, "x"))
    second = make_publisher(org)  # another worker, connected before the first renewed
    late = _connector(org, second, account_id)
    assert first.publish(_approved_post(org, account_id, "Flu shots are available now")).published
    late.publish("Come see the new wing", "key-2")
    renewals = [parse_qs(r.body.decode())["refresh_token"] for r in fake.token_requests("x")]
    assert renewals == [["x-refresh-0"], ["x-refresh-0"]]  # the second refused: X rotated it
    assert fake.recorder.to("POST", "/2/tweets")[-1].headers["authorization"] == "Bearer x-access-1"
    assert second._credentials(account_id)["refresh_token"] == "x-refresh-1"
    assert _connector(org, second, account_id) is late
    assert len(_refreshed_entries(org)) == 1
