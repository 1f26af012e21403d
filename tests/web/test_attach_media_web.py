"""An author attaches a photo on the post page: it is scanned, the boxes are drawn over it, the
gate names it, a redacted copy can replace it; the file itself is served only to those who may see
the post, never cached."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from phigate.compliance.people import Role
from tests.web.conftest import Site, csrf_of


def _photo_bytes() -> bytes:
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(data.astronaut())).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _draft(site: Site) -> tuple[str, object]:
    site.person("avery@example.org", {Role.AUTHOR})
    service = site.service()
    account = service.request_account(
        "mastodon", "@cedar", service.people()[0].id, service.people()[0].id
    )
    po = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    service.decide_account(account.id, True, po.id)
    service.grant_posting_rights(service.people()[0].id, account.id, po.id)
    service.session.commit()
    author = site.sign_in("avery@example.org")
    csrf = csrf_of(author.get("/compose").text)
    created = author.post("/posts", data={"text": "A great day on the ward!", "account": account.id, "csrf": csrf}, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303
    return created.headers["location"], author


def test_attach_scan_and_show_boxes(site: Site) -> None:
    location, author = _draft(site)
    page = author.get(location).text  # type: ignore[attr-defined]
    upload = author.post(  # type: ignore[attr-defined]
        f"{location}/media",
        data={"csrf": csrf_of(page)},
        files={"file": ("IMG_0042.jpg", _photo_bytes(), "image/jpeg")},
        follow_redirects=False,
    )
    assert upload.status_code == 303, upload.text
    page = author.get(location).text  # type: ignore[attr-defined]
    assert 'class="media-box face"' in page and "found FACE" in page
    assert "photo 1" in page and "IMG_0042" not in page  # the file's name is not shown
    media_id = re.search(r'src="/media/([0-9a-f]{64})"', page).group(1)  # type: ignore[union-attr]
    served = author.get(f"/media/{media_id}")  # type: ignore[attr-defined]
    assert served.status_code == 200 and served.headers["cache-control"] == "no-store"
    assert served.content == _photo_bytes()
    # Another author may not fetch it; an anonymous visitor is sent to sign in.
    site.person("other@example.org", {Role.AUTHOR})
    assert site.sign_in("other@example.org").get(f"/media/{media_id}").status_code == 404
    assert site.client().get(f"/media/{media_id}", follow_redirects=False).status_code == 303
    # The redacted copy replaces it and the face box is gone.
    redacted = author.post(f"{location}/media/{media_id}/redact", data={"csrf": csrf_of(page)}, follow_redirects=False)  # type: ignore[attr-defined]  # fmt: skip
    assert redacted.status_code == 303, redacted.text
    page = author.get(location).text  # type: ignore[attr-defined]
    assert media_id not in page and 'class="media-box face"' not in page


def test_a_file_that_is_not_media_is_refused_with_the_reason(site: Site) -> None:
    location, author = _draft(site)
    page = author.get(location).text  # type: ignore[attr-defined]
    refused = author.post(  # type: ignore[attr-defined]
        f"{location}/media",
        data={"csrf": csrf_of(page)},
        files={"file": ("notes.txt", b"Patient list, do not post", "text/plain")},
    )
    assert refused.status_code == 400 and "not an image or video format" in refused.text
    assert "Patient list" not in refused.text


def test_photos_chosen_on_the_compose_form_are_attached_and_scanned(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    service = site.service()
    po = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    account = service.request_account("mastodon", "@cedar", author.id, author.id)
    service.decide_account(account.id, True, po.id)
    service.grant_posting_rights(author.id, account.id, po.id)
    service.session.commit()
    client = site.sign_in("avery@example.org")
    csrf = csrf_of(client.get("/compose").text)
    created = client.post(
        "/posts",
        data={
            "text": "A great day on the ward!",
            "account": account.id,
            "csrf": csrf,
            "submit": "1",
        },
        files=[("file", ("IMG_0042.jpg", _photo_bytes(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    post_id = created.headers["location"].rsplit("/", 1)[1]
    service.session.expire_all()
    post = service.post(post_id)
    [attachment] = service.attachments(post)
    assert attachment.verdict is not None and "FACE" in attachment.identifier_types
    assert post.scan is not None and "FACE" in post.scan.identifier_types  # counted at submit
