"""End to end in a real headless Chromium (Debian's, driven by Playwright; no browser download):
an author drafts a post naming a patient, sees the finding, links an authorization and submits; a
reviewer approves; the post is scheduled; an untrained author is refused with the reason; and a
revoked authorization blocks the scheduled post. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyotp
import pytest
import uvicorn

from phigate.compliance.people import Role
from phigate.compliance.posts import PostState
from tests.compliance.factories import authorization
from tests.web.conftest import PASSWORD, Site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("PHIGATE_REQUIRE_SERVICES"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(5)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is required: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield chromium
        chromium.close()


def _sign_in(browser: object, base: str, site: Site, email: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    if email in site.secrets:
        page.fill("input[name=code]", pyotp.TOTP(site.secrets[email]).now())
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state("networkidle")
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_from_draft_to_schedule_and_revocation(site: Site, server: str, browser: object) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    site.person("riley@example.org", {Role.REVIEWER})
    officer = site.person("pat@example.org", {Role.PRIVACY_OFFICER})
    site.person("nova@example.org", {Role.AUTHOR}, trained=False)
    service = site.service()
    account = service.request_account("instagram", "@cedarridge", author.id, author.id)
    service.decide_account(account.id, True, officer.id)
    service.grant_posting_rights(author.id, account.id, officer.id)
    patient = service.add_patient("Robin Example", officer.id)
    auth = service.record_authorization(replace(authorization(), patient_id=patient), officer.id)
    service.session.commit()

    page = _sign_in(browser, server, site, "avery@example.org")
    page.goto(f"{server}/compose")
    page.fill(
        "textarea[name=text]", "Meet Robin, back on the trail after knee surgery last Friday!"
    )
    page.wait_for_selector("#findings mark")
    assert "NAME" in page.inner_text("#findings") and "BLOCK" in page.inner_text("#findings")
    _shot(page, "1-compose-finding")
    page.check(f"input[value='{account.id}']")
    page.select_option("select[name=authorization]", auth.id)
    page.click("button:has-text('Submit for review')")
    page.wait_for_load_state("networkidle")
    _shot(page, "2-submitted")
    post_id = page.url.rsplit("/", 1)[1]
    assert service.post(post_id).state is PostState.IN_REVIEW

    reviewer = _sign_in(browser, server, site, "riley@example.org")
    reviewer.goto(f"{server}/review")
    _shot(reviewer, "3-review-queue")
    reviewer.click(f"[data-post='{post_id}'] button:has-text('Approve')")
    reviewer.wait_for_load_state("networkidle")
    service.session.expire_all()
    assert service.post(post_id).state is PostState.APPROVED

    page.goto(f"{server}/posts/{post_id}")
    page.fill("input[name=when]", "2030-01-02T09:00")
    page.click("button:has-text('Schedule')")
    page.wait_for_load_state("networkidle")
    service.session.expire_all()
    assert service.post(post_id).state is PostState.SCHEDULED
    _shot(page, "4-scheduled")

    newcomer = _sign_in(browser, server, site, "nova@example.org")
    newcomer.goto(f"{server}/compose")
    assert "not completed the social media privacy training" in newcomer.inner_text("body")
    newcomer.fill("textarea[name=text]", "Flu shots are free this Saturday!")
    newcomer.check(f"input[value='{account.id}']")
    newcomer.click("button:has-text('Submit for review')")
    newcomer.wait_for_load_state("networkidle")
    assert "164.530(b)" in newcomer.inner_text("body")
    _shot(newcomer, "5-untrained-refused")

    service.revoke_authorization(auth.id, officer.id, "letter", officer.id)
    service.session.commit()
    page.goto(f"{server}/posts/{post_id}")
    text = page.inner_text("body")
    assert "revoked the authorization" in text and "in_review" in text
    _shot(page, "6-revoked-blocks")


def test_attached_photo_shows_its_boxes(
    site: Site, server: str, browser: object, tmp_path: Path
) -> None:
    import numpy as np
    from PIL import Image
    from skimage import data

    author = site.person("avery@example.org", {Role.AUTHOR})
    service = site.service()
    post = service.create_post(author.id, "A great day on the ward!", [])
    service.session.commit()
    photo = tmp_path / "ward.jpg"
    Image.fromarray(np.asarray(data.astronaut())).save(photo, "JPEG", quality=90)

    page = _sign_in(browser, server, site, "avery@example.org")
    page.goto(f"{server}/posts/{post.id}")
    page.set_input_files("input[type=file][name=file]", str(photo))
    page.click("button:has-text('Attach and scan')")
    page.wait_for_selector(".media-box.face")
    box = page.locator(".media-box.face").first.bounding_box()
    picture = page.locator(".media-frame img").first.bounding_box()
    assert box and picture and box["width"] > 10 and box["height"] > 10
    # The box sits on the astronaut's face: the upper middle of the picture.
    centre_x = (box["x"] + box["width"] / 2 - picture["x"]) / picture["width"]
    centre_y = (box["y"] + box["height"] / 2 - picture["y"]) / picture["height"]
    assert 0.3 < centre_x < 0.7 and centre_y < 0.5
    assert "FACE" in page.inner_text("#media")
    _shot(page, "7-photo-with-face-box")
