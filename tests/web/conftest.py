"""A web application on a fresh SQLite database, with helpers to create people and sign them in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from phigate.compliance.people import Person, Role
from phigate.compliance.training import TrainingCompletion
from phigate.service import ComplianceService
from phigate.signin import enroll_totp, set_password
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import make_engine, session_factory
from phigate.web.app import create_app

PASSWORD = "correct horse battery"


class Site:
    def __init__(self, engine: Engine, vault: Vault) -> None:
        self.engine, self.vault = engine, vault
        self.app = create_app(engine, vault, "test-secret-key-" + "x" * 32)
        self.secrets: dict[str, str] = {}

    def service(self) -> ComplianceService:
        return ComplianceService(session_factory(self.engine)(), self.vault)

    def person(self, email: str, roles: set[Role], trained: bool = True) -> Person:
        service = self.service()
        person = service.add_person(email.split("@")[0].title(), email, roles)
        set_password(service, person.id, PASSWORD)
        if roles & {Role.REVIEWER, Role.PRIVACY_OFFICER, Role.ADMIN}:
            uri = enroll_totp(service, person.id)
            self.secrets[email] = re.search(r"secret=([A-Z2-7]+)", uri).group(1)  # type: ignore[union-attr]
        if trained:
            service.record_training(
                TrainingCompletion(
                    person.id, "social-media-privacy", date.today() - timedelta(days=30), 95, "1"
                )
            )
        service.session.commit()
        return person

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def sign_in(self, email: str) -> TestClient:
        client = self.client()
        csrf = csrf_of(client.get("/login").text)
        code = pyotp.TOTP(self.secrets[email]).now() if email in self.secrets else ""
        response = client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "code": code, "csrf": csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    yield Site(engine, Vault([new_key()]))
    engine.dispose()
