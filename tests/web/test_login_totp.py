import pyotp

from phigate.compliance.people import Role
from tests.web.conftest import PASSWORD, Site, csrf_of


def _login(site: Site, email: str, password: str, code: str = "") -> str:
    client = site.client()
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "code": code, "csrf": csrf},
        follow_redirects=False,
    )
    return "ok" if response.status_code == 303 else response.text


def test_author_signs_in_with_password(site: Site) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    assert _login(site, "avery@example.org", PASSWORD) == "ok"


def test_reviewer_needs_a_totp_code(site: Site) -> None:
    site.person("riley@example.org", {Role.REVIEWER})
    assert "two-factor code is wrong" in _login(site, "riley@example.org", PASSWORD)
    assert "two-factor code is wrong" in _login(site, "riley@example.org", PASSWORD, "000000")
    code = pyotp.TOTP(site.secrets["riley@example.org"]).now()
    assert _login(site, "riley@example.org", PASSWORD, code) == "ok"


def test_wrong_password_and_unknown_email_read_the_same(site: Site) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    assert "wrong email or password" in _login(site, "avery@example.org", "nope nope nope")
    assert "wrong email or password" in _login(site, "ghost@example.org", PASSWORD)


def test_lockout_after_five_failures(site: Site) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    for _ in range(5):
        _login(site, "avery@example.org", "wrong password!!")
    assert "too many failed attempts" in _login(site, "avery@example.org", PASSWORD)


def test_pages_require_sign_in_and_sign_out_ends_the_session(site: Site) -> None:
    assert site.client().get("/compose", follow_redirects=False).headers["location"] == "/login"
    site.person("avery@example.org", {Role.AUTHOR})
    client = site.sign_in("avery@example.org")
    page = client.get("/compose")
    assert page.status_code == 200
    client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert client.get("/compose", follow_redirects=False).status_code == 303


def test_session_cookie_flags(site: Site) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    client = site.client()
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "avery@example.org", "password": PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_idle_timeout(site: Site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    site.person("avery@example.org", {Role.AUTHOR})
    client = site.sign_in("avery@example.org")
    later = time.time() + 31 * 60
    monkeypatch.setattr("phigate.web.app.time.time", lambda: later)
    assert client.get("/compose", follow_redirects=False).status_code == 303
