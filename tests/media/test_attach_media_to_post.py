"""A post's photos are scanned with its text: a face or a wristband in the picture needs an
authorization that covers photos, an unreadable file blocks the post, and a redacted copy can
replace the original. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import Engine, select

from phigate.compliance.authorizations import ContentKind
from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion
from phigate.media import MediaScanner
from phigate.media.store import MediaStore
from phigate.service import ComplianceService, OperationError
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from phigate.storage.models import MediaRow
from tests.compliance.factories import Clock, authorization
from tests.media.conftest import astronaut, whiteboard


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture
def service(engine: Engine) -> Iterator[ComplianceService]:
    migrate(engine)
    with session_factory(engine)() as session:
        yield ComplianceService(session, Vault([new_key()]), Clock())
        session.rollback()


@pytest.fixture
def store(service: ComplianceService, media_scanner: MediaScanner) -> MediaStore:
    return MediaStore(service, scanner=media_scanner)


@pytest.fixture
def org(service: ComplianceService) -> dict[str, str]:
    po = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    author = service.add_person("Avery Author", "avery@example.org", {Role.AUTHOR})
    reviewer = service.add_person("Riley Reviewer", "riley@example.org", {Role.REVIEWER})
    service.record_training(
        TrainingCompletion(author.id, "social-media-privacy", date(2026, 1, 10), 92, "1")
    )
    account = service.request_account("instagram", "@cedarridge", author.id, author.id)
    service.decide_account(account.id, True, po.id)
    service.grant_posting_rights(author.id, account.id, po.id)
    patient = service.add_patient("Robin Example", po.id)
    story_only = service.record_authorization(
        replace(authorization(id="auth-story"), patient_id=patient,
                content_kinds=frozenset({ContentKind.POST})), po.id,
    )  # fmt: skip
    with_photos = service.record_authorization(
        replace(authorization(id="auth-photo"), patient_id=patient), po.id
    )
    return {"author": author.id, "reviewer": reviewer.id, "account": account.id,
            "story_only": story_only.id, "with_photos": with_photos.id}  # fmt: skip


def _codes(service: ComplianceService, post_id: str) -> set[str]:
    return {r.code for r in service.gate(post_id, ignore_review=True, record=False).reasons}


def test_a_face_in_the_photo_needs_an_authorization_covering_photos(
    service: ComplianceService, store: MediaStore, org: dict[str, str]
) -> None:
    post = service.create_post(org["author"], "A great day on the ward!", [org["account"]])
    photo = store.store(_jpeg(astronaut()), "IMG_0042.jpg", org["author"])
    store.attach(post.id, photo.id, org["author"])
    assert "MEDIA_NOT_SCANNED" in _codes(service, post.id)  # attached, scan still to come
    scanned = store.scan(photo.id)
    assert scanned.verdict in ("review", "block") and "FACE" in scanned.identifier_types
    _, reasons = service.submit_post(post.id, org["author"])
    refusal = next(r for r in reasons if r.code == "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION")
    assert "FACE" in refusal.message and "photo 1" in refusal.message
    service.link_authorizations(post.id, [org["story_only"]], org["author"])
    assert "SCOPE_CONTENT" in _codes(service, post.id)  # a written story is not a photograph
    second = service.create_post(org["author"], "A great day on the ward!", [org["account"]])
    store.attach(second.id, photo.id, org["author"])  # the same file: scanned once, stored once
    service.link_authorizations(second.id, [org["with_photos"]], org["author"])
    service.submit_post(second.id, org["author"])
    assert _codes(service, second.id) == set()
    assert len(service.session.scalars(select(MediaRow)).all()) == 1


def test_text_in_the_photo_is_scanned_and_its_report_is_sealed(
    service: ComplianceService, store: MediaStore, org: dict[str, str]
) -> None:
    board = whiteboard(["Room 12: Jordan Whitfield", "MRN 48213977"])
    post = service.create_post(org["author"], "Our team rocks!", [org["account"]])
    photo = store.store(_jpeg(board), "whiteboard.jpg", org["author"])
    store.attach(post.id, photo.id, org["author"])
    scanned = store.scan(photo.id)
    assert scanned.verdict == "block"
    report = store.report(photo.id)
    assert report is not None and any(f.get("box") for f in report["findings"])
    row = service.session.scalars(select(MediaRow)).one()
    sealed = row.data_sealed + row.name_sealed + (row.report_sealed or b"")
    assert b"Whitfield" not in sealed and b"whiteboard" not in sealed  # encrypted at rest
    post, _ = service.submit_post(post.id, org["author"])
    assert post.scan is not None and post.scan.verdict == "block"


def test_an_unreadable_file_is_refused_or_blocks_the_post(
    service: ComplianceService, store: MediaStore, org: dict[str, str]
) -> None:
    with pytest.raises(OperationError, match="not an image or video format"):
        store.store(b"%PDF-1.4 not a picture", "scan.pdf", org["author"])
    truncated = _jpeg(astronaut())[:2000]
    post = service.create_post(org["author"], "Hello!", [org["account"]])
    broken = store.store(truncated, "cut.jpg", org["author"])
    store.attach(post.id, broken.id, org["author"])
    result = store.scan(broken.id)
    assert result.error and "cut.jpg" not in result.error
    assert "MEDIA_UNREADABLE" in _codes(service, post.id)
    store.detach(post.id, broken.id, org["author"])
    assert "MEDIA_UNREADABLE" not in _codes(service, post.id)


def test_a_verified_redacted_copy_replaces_the_photo(
    service: ComplianceService, store: MediaStore, org: dict[str, str]
) -> None:
    post = service.create_post(org["author"], "A great day on the ward!", [org["account"]])
    photo = store.store(_jpeg(astronaut()), "IMG_0042.jpg", org["author"])
    store.attach(post.id, photo.id, org["author"])
    store.scan(photo.id)
    before = service.post(post.id).content_hash
    copy = store.replace_with_redacted(post.id, photo.id, org["author"])
    after = service.post(post.id)
    assert after.media_hashes == (copy.id,) and copy.id != photo.id
    assert after.content_hash != before  # an approval of the original no longer counts
    assert copy.verdict is not None and "FACE" not in copy.identifier_types
    service.submit_post(post.id, org["author"])
    assert "IDENTIFIES_PATIENT_WITHOUT_AUTHORIZATION" not in _codes(service, post.id)
