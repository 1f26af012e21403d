"""Every route, tried by every role: the allowed set is exactly what access.ROUTE_ROLES says."""

from fastapi.routing import APIRoute

from phigate.compliance.people import Role
from phigate.web.access import PUBLIC_ROUTES, ROUTE_ROLES
from tests.web.conftest import Site, csrf_of


def test_every_route_is_listed(site: Site) -> None:
    named = {r.name for r in site.app.routes if isinstance(r, APIRoute)}
    unlisted = named - set(ROUTE_ROLES) - PUBLIC_ROUTES
    assert not unlisted, f"routes without an access rule: {unlisted}"


def test_every_role_on_every_route(site: Site) -> None:
    owner = site.person("owner@example.org", {Role.AUTHOR})
    service = site.service()
    officer = service.add_person("Officer", "officer-x@example.org", {Role.PRIVACY_OFFICER})
    account = service.request_account("instagram", "@x", owner.id, owner.id)
    post = service.create_post(owner.id, "Wash your hands", [account.id])
    service.session.commit()
    values = {"post_id": post.id, "account_id": account.id, "fmt": "csv"}
    for role in Role:
        email = f"{role.value}@example.org"
        person = site.person(email, {role})
        client = site.sign_in(email)
        csrf = csrf_of(client.get("/login").text)
        for route in site.app.routes:
            if not isinstance(route, APIRoute) or route.name in PUBLIC_ROUTES:
                continue
            path = route.path.format(**values)
            method = sorted(route.methods)[0]
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            elif path.startswith("/api/"):
                response = client.request(
                    method,
                    path,
                    json={"text": "x", "account_ids": []},
                    headers={"X-CSRF-Token": csrf},
                    follow_redirects=False,
                )
            else:
                response = client.request(
                    method,
                    path,
                    data={
                        "csrf": csrf,
                        "text": "x",
                        "decision": "approve",
                        "when": "2030-01-01T09:00",
                        "authorization": "none",
                        "account": account.id,
                    },
                    follow_redirects=False,
                )
            denied = response.status_code == 403
            expected_denied = role not in ROUTE_ROLES[route.name]
            assert denied == expected_denied, (role.value, method, path, response.status_code)
        del person
    del officer
