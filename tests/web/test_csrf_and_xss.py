from phigate.compliance.people import Role
from tests.web.conftest import Site, csrf_of

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
]


def test_forms_without_the_csrf_token_are_refused(site: Site) -> None:
    site.person("avery@example.org", {Role.AUTHOR})
    client = site.sign_in("avery@example.org")
    response = client.post("/compose/scan", data={"text": "hello"})
    assert response.status_code == 403
    assert "did not come from phigate" in response.text
    token = csrf_of(client.get("/compose").text)
    assert (
        client.post(
            "/compose/scan", data={"text": "hello"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 200
    )


def test_post_text_and_reviewer_notes_render_escaped(site: Site) -> None:
    service = site.service()
    site.person("avery@example.org", {Role.AUTHOR})
    site.person("riley@example.org", {Role.REVIEWER})
    author = site.sign_in("avery@example.org")
    token = csrf_of(author.get("/compose").text)
    live = author.post(
        "/compose/scan",
        data={"text": " ".join(PAYLOADS) + " Mr. Okonkwo went home"},
        headers={"X-CSRF-Token": token},
    )
    for payload in PAYLOADS:
        assert payload not in live.text
    assert "&lt;script&gt;" in live.text
    service.session.close()
    response = author.post(
        "/posts",
        data={"text": " ".join(PAYLOADS), "account": [], "csrf": token},
        follow_redirects=False,
    )
    # No account: refused with a reason, and the refusal page does not echo the payload either.
    assert all(p not in response.text for p in PAYLOADS)


def test_stored_payloads_are_escaped_on_every_page(site: Site) -> None:
    author = site.person("avery@example.org", {Role.AUTHOR})
    reviewer = site.person("riley@example.org", {Role.REVIEWER})
    officer = site.person("pat@example.org", {Role.PRIVACY_OFFICER})
    service = site.service()
    account = service.request_account("instagram", PAYLOADS[1], author.id, author.id)
    service.decide_account(account.id, True, officer.id)
    post = service.create_post(author.id, " ".join(PAYLOADS), [account.id])
    service.submit_post(post.id, author.id)
    service.review_post(post.id, reviewer.id, "request_changes", PAYLOADS[0])
    service.session.commit()
    pages = [
        (site.sign_in("avery@example.org"), [f"/posts/{post.id}", "/posts", "/compose"]),
        (site.sign_in("pat@example.org"), ["/privacy", "/audit"]),
    ]
    for client, paths in pages:
        for path in paths:
            html = client.get(path).text
            for payload in PAYLOADS:
                assert payload not in html, (path, payload)
