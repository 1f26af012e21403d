"""The demo organization `make run` starts with: trained and untrained staff, patients with valid,
expired and revoked authorizations, and posts in every state. Everything here is invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from phigate.compliance.authorizations import Authorization, ContentKind, InformationItem
from phigate.compliance.people import Role
from phigate.compliance.posts import PostState
from phigate.compliance.training import TrainingCompletion
from phigate.service import ComplianceService
from phigate.signin import enroll_totp, set_password
from phigate.storage.models import PostRow, SettingRow

DEMO_PASSWORD = "phigate-demo-2026"
DEMO_PEOPLE = [
    ("Avery Author", "author@demo.example", {Role.AUTHOR}, True),
    ("Nova Newhire", "newhire@demo.example", {Role.AUTHOR}, False),
    ("Riley Reviewer", "reviewer@demo.example", {Role.REVIEWER}, True),
    ("Pat Officer", "privacy@demo.example", {Role.PRIVACY_OFFICER, Role.ADMIN}, True),
    ("Ada Auditor", "auditor@demo.example", {Role.AUDITOR}, True),
]


def is_seeded(service: ComplianceService) -> bool:
    return service.session.get(SettingRow, "demo") is not None


def seed(service: ComplianceService) -> dict[str, str]:
    """Create the demo organization; returns email -> TOTP secret for the roles that need one."""
    today = service.clock().date()
    ids: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for name, email, roles, trained in DEMO_PEOPLE:
        person = service.add_person(name, email, roles)
        ids[email] = person.id
        set_password(service, person.id, DEMO_PASSWORD)
        if roles & {Role.REVIEWER, Role.PRIVACY_OFFICER, Role.ADMIN}:
            uri = enroll_totp(service, person.id)
            secrets[email] = uri.split("secret=")[1].split("&")[0]
        if trained:
            service.record_training(
                TrainingCompletion(
                    person.id, "social-media-privacy", today - timedelta(days=90), 94, "1"
                )
            )
    officer, author, reviewer = (
        ids["privacy@demo.example"],
        ids["author@demo.example"],
        ids["reviewer@demo.example"],
    )
    instagram = service.request_account("instagram", "@cedarridgemc", author, author)
    facebook = service.request_account("facebook", "Cedar Ridge Medical Center", author, author)
    service.request_account("tiktok", "@cedarridge", author, author)  # left awaiting approval
    for account in (instagram, facebook):
        service.decide_account(account.id, True, officer)
        service.grant_posting_rights(author, account.id, officer)
        service.grant_posting_rights(ids["newhire@demo.example"], account.id, officer)

    def authorization(patient: str, **changes: object) -> Authorization:
        base = Authorization(
            id=f"auth-{patient[-6:]}", patient_id=patient,
            information_description="First name, photos and the story of the patient's recovery",
            information_items=frozenset({InformationItem.FIRST_NAME, InformationItem.PHOTO, InformationItem.STORY}),
            disclosing_party="Cedar Ridge Medical Center, Marketing", recipients="The public via Cedar Ridge's Instagram and Facebook",
            purposes=("Sharing patient stories on Cedar Ridge social media",), expires_on=today + timedelta(days=200),
            expiration_event=None, expiration_event_occurred=False, signed_by="(signed)", signed_on=today - timedelta(days=20),
            signer_is_representative=False, representative_authority=None, states_right_to_revoke=True,
            states_conditioning=True, states_redisclosure=True, marketing=True, third_party_remuneration=False,
            remuneration_statement=None, standalone_document=True, platforms=frozenset({"instagram", "facebook"}),
            content_kinds=frozenset({ContentKind.POST, ContentKind.PHOTO}),
        )  # fmt: skip
        return replace(base, **changes)  # type: ignore[arg-type]

    robin = service.add_patient("Robin Example", officer)
    sam = service.add_patient("Sam Sample", officer)
    lee = service.add_patient("Lee Placeholder", officer)
    valid = service.record_authorization(authorization(robin), officer)
    service.record_authorization(authorization(sam, expires_on=today - timedelta(days=3)), officer)
    revoked = service.record_authorization(
        authorization(lee, expires_on=today + timedelta(days=20)), officer
    )

    def post(text: str, auths: list[str] | None = None) -> str:
        return service.create_post(author, text, [instagram.id], authorization_ids=auths or []).id

    post("Draft: our new parking garage opens Monday!")
    changes = post("Meet Robin, back on the trail after knee surgery last Friday!")
    service.submit_post(changes, author)
    service.review_post(
        changes, reviewer, "request_changes", "Link Robin's authorization and drop the date."
    )
    in_review = post("Flu shots are free for everyone this Saturday, 9am to 1pm.")
    service.submit_post(in_review, author)
    rejected = post("Shoutout to the guy in room 418 who tried to escape!")
    service.submit_post(rejected, author)
    service.review_post(rejected, reviewer, "reject", "A room number identifies the patient.")
    approved = post("Robin's comeback story: from knee surgery to her first 5K.", [valid.id])
    service.submit_post(approved, author)
    service.review_post(approved, reviewer, "approve")
    scheduled = post("Wash your hands: 20 seconds, every time. #HealthTip")
    service.submit_post(scheduled, author)
    service.review_post(scheduled, reviewer, "approve")
    service.schedule_post(scheduled, datetime.now(UTC) + timedelta(days=1), author)
    relies_on_revoked = post("Lee shares how our cardiac rehab team helped.", [revoked.id])
    service.submit_post(relies_on_revoked, author)
    service.review_post(relies_on_revoked, reviewer, "approve")
    service.schedule_post(relies_on_revoked, datetime.now(UTC) + timedelta(days=2), author)
    for text, state in (
        ("Our ED is open 24/7.", PostState.PUBLISHED),
        ("Old post about visiting hours.", PostState.TAKEN_DOWN),
    ):
        published = post(text)
        service.submit_post(published, author)
        service.review_post(published, reviewer, "approve")
        row = service.session.get(PostRow, published)
        assert row is not None
        row.state = state.value  # publishing itself arrives with the publishing connectors
    service.revoke_authorization(revoked.id, officer, "letter", officer)
    service.session.add(SettingRow(key="demo", value=date.today().isoformat()))
    service.session.flush()
    return secrets


def totp_secrets(service: ComplianceService) -> dict[str, str]:
    from phigate.signin import totp_secret
    from phigate.storage.models import PersonRow

    found = {}
    for row in service.session.scalars(select(PersonRow).where(PersonRow.totp_sealed.is_not(None))):
        secret = totp_secret(service, row.id)
        if secret:
            found[row.email] = secret
    return found
