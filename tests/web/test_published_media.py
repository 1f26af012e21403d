"""Instagram downloads media by URL: phigate serves a file publicly only after a publisher released
it, only at its SHA-256, and only for a limited time."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from phigate.compliance.people import Role
from phigate.media.store import MediaStore
from phigate.storage.models import MediaRow
from tests.web.conftest import Site


def test_only_released_media_are_served_for_a_day(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 200)).save(buffer, "PNG")
    service = site.service()
    stored = MediaStore(service).store(buffer.getvalue(), "poster.png", author.id)
    service.session.commit()
    client = site.client()
    url = f"/published-media/{stored.id}.png"
    assert client.get(url).status_code == 404  # stored and even approved is not enough
    row = service.session.get(MediaRow, stored.id)
    assert row is not None
    row.released_at = datetime.now(UTC)
    service.session.commit()
    served = client.get(url)
    assert served.status_code == 200 and served.content == buffer.getvalue()
    assert served.headers["content-type"] == "image/png"
    assert client.get(f"/published-media/{stored.id[:-1]}0.png").status_code == 404
    row.released_at = datetime.now(UTC) - timedelta(hours=25)
    service.session.commit()
    assert client.get(url).status_code == 404
