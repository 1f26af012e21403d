"""The whole post workflow over the REST API with scoped tokens: create, attach a photo, submit,
a refused approval with its reasons, link an authorization, approve, schedule."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from phigate.compliance.people import Role
from phigate.signin import create_token
from tests.compliance.factories import authorization
from tests.web.conftest import Site


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_post_workflow_over_the_api(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    reviewer = site.person("riley@example.org", {Role.REVIEWER})
    service = site.service()
    po = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    account = service.request_account("instagram", "@cedar", author.id, author.id)
    service.decide_account(account.id, True, po.id)
    service.grant_posting_rights(author.id, account.id, po.id)
    patient = service.add_patient("Robin Example", po.id)
    auth = service.record_authorization(
        replace(authorization(), patient_id=patient, expires_on=date.today() + timedelta(days=200)),
        po.id,
    )
    writer = {
        "Authorization": f"Bearer {create_token(service, author.id, 'cms', {'write', 'read'})}"
    }
    approver = {"Authorization": f"Bearer {create_token(service, reviewer.id, 'desk', {'review'})}"}
    read_only = {"Authorization": f"Bearer {create_token(service, reviewer.id, 'ro', {'read'})}"}
    service.session.commit()
    client = site.client()

    created = client.post("/api/v1/posts", headers=writer, json={
        "text": "Meet Robin, back on the trail after knee surgery!", "account_ids": [account.id]})  # fmt: skip
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    attached = client.post(f"/api/v1/posts/{post_id}/media", headers=writer,
                           files={"file": ("poster.png", _png(), "image/png")})  # fmt: skip
    assert attached.status_code == 201 and attached.json()["verdict"] == "allow"
    submitted = client.post(f"/api/v1/posts/{post_id}/submit", headers=writer).json()
    assert submitted["state"] == "in_review"
    assert "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION" in {r["code"] for r in submitted["gate"]}

    assert client.post(f"/api/v1/posts/{post_id}/review", headers=read_only,
                       json={"decision": "approve"}).status_code == 403  # fmt: skip
    refused = client.post(f"/api/v1/posts/{post_id}/review", headers=approver, json={"decision": "approve"})  # fmt: skip
    assert refused.status_code == 400 and "164.508(a)(1)" in refused.json()["detail"]
    linked = client.post(f"/api/v1/posts/{post_id}/authorizations", headers=writer,
                         json={"authorization_ids": [auth.id]})  # fmt: skip
    assert linked.status_code == 200, linked.text
    approved = client.post(f"/api/v1/posts/{post_id}/review", headers=approver, json={"decision": "approve"})  # fmt: skip
    assert approved.status_code == 200 and approved.json()["state"] == "approved", approved.text
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    scheduled = client.post(f"/api/v1/posts/{post_id}/schedule", headers=writer, json={"publish_at": when})  # fmt: skip
    assert scheduled.status_code == 200 and scheduled.json()["state"] == "scheduled"
    media = client.get(f"/api/v1/posts/{post_id}/media", headers=writer).json()
    assert media[0]["report"]["findings"] == [] and media[0]["position"] == 1


def test_review_needs_a_reason_to_reject(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    reviewer = site.person("riley@example.org", {Role.REVIEWER})
    service = site.service()
    post = service.create_post(author.id, "Wash your hands!", [])
    service.submit_post(post.id, author.id)
    approver = {"Authorization": f"Bearer {create_token(service, reviewer.id, 'desk', {'review'})}"}
    service.session.commit()
    response = site.client().post(f"/api/v1/posts/{post.id}/review", headers=approver, json={"decision": "reject"})  # fmt: skip
    assert response.status_code == 400 and "needs a reason" in response.json()["detail"]
