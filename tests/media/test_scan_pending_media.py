"""A file whose scan was cut short (a worker killed, a task lost) is scanned by the periodic job;
a fresh upload is left to the scan already on its way."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import Engine

from phigate.compliance.people import Role
from phigate.media import MediaScanner
from phigate.media.store import MediaStore, scan_pending_media
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from phigate.storage.models import MediaRow
from tests.compliance.factories import Clock


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_left_over_uploads_are_scanned(engine: Engine, media_scanner: MediaScanner) -> None:
    migrate(engine)
    sessions, vault, clock = session_factory(engine), Vault([new_key()]), Clock()
    with sessions() as session:
        service = ComplianceService(session, vault, clock)
        author = service.add_person("Avery", "avery@example.org", {Role.AUTHOR})
        store = MediaStore(service)
        old = store.store(_png((10, 20, 30)), "a.png", author.id)
        session.commit()
        clock.now += timedelta(minutes=10)
        fresh = store.store(_png((200, 20, 30)), "b.png", author.id)
        session.commit()
    assert scan_pending_media(sessions, vault, timedelta(minutes=2), media_scanner, clock) == 1
    with sessions() as session:
        scanned = {row.id: row.scanned_at is not None for row in session.query(MediaRow)}
    assert scanned == {old.id: True, fresh.id: False}
    assert scan_pending_media(sessions, vault, timedelta(minutes=2), media_scanner, clock) == 0
