import time

from sqlalchemy import select

from phigate.compliance.people import Role
from phigate.signin import create_token, revoke_token
from phigate.storage.models import ApiTokenRow
from tests.web.conftest import Site


def test_scoped_hashed_revocable_tokens(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    service = site.service()
    token = create_token(service, author.id, "ci", {"scan"})
    service.session.commit()
    stored = service.session.scalars(select(ApiTokenRow)).one()
    assert token not in stored.token_sha256 and len(stored.token_sha256) == 64
    client = site.client()
    bearer = {"Authorization": f"Bearer {token}"}
    scanned = client.post(
        "/api/v1/scan", json={"text": "Our patient MRN 5571026 went home"}, headers=bearer
    )
    assert scanned.status_code == 200 and scanned.json()["verdict"] == "block"
    assert "text" not in scanned.json()  # the report holds findings, not the post
    assert client.get("/api/v1/posts", headers=bearer).status_code == 403  # no 'read' scope
    site.app.state.phigate.tokens.ttl = 0.3  # identities are cached briefly per process
    assert client.post("/api/v1/scan", json={"text": "x"}, headers=bearer).status_code == 200
    revoke_token(service, stored.id, author.id)
    service.session.commit()
    time.sleep(0.4)  # the cache lifetime: after it, a revoked token is refused in every worker
    assert client.post("/api/v1/scan", json={"text": "x"}, headers=bearer).status_code == 401


def test_api_rejects_bad_input_clearly(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    service = site.service()
    token = create_token(service, author.id, "ci", {"scan"})
    service.session.commit()
    response = site.client().post(
        "/api/v1/scan",
        json={"text": "x", "kind": "story"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422 and "kind" in response.text


def test_openapi_description_is_served(site: Site) -> None:
    spec = site.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/scan" in spec["paths"]
