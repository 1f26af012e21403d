"""A real AT Protocol PDS (npm @atproto/dev-env) on loopback, started once per test session, and an
organization with a Bluesky account whose credentials point at it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion
from phigate.publishing.publisher import Publisher
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import migrate, session_factory
from tests.compliance.factories import Clock, authorization

PDS_DIR = Path(__file__).resolve().parents[1] / "pds"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _need(reason: str) -> None:
    if os.environ.get("PHIGATE_REQUIRE_SERVICES"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        _need("node and npm are needed for the local Bluesky PDS")
    if not (PDS_DIR / "node_modules" / "@atproto" / "dev-env").exists():
        # better-sqlite3 compiles against the local Node headers on a fresh machine.
        env = {**os.environ, "npm_config_nodedir": "/usr"}
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=PDS_DIR, env=env, check=True, timeout=900
        )
    state = tmp_path_factory.mktemp("pds")
    env = {
        **os.environ, "PDS_PORT": str(_free_port()), "PLC_PORT": str(_free_port()), "PDS_STATE_DIR": str(state),
        "PDS_HANDLE": "cedarridge.test", "PDS_PASSWORD": "app-password-for-tests",
    }  # fmt: skip
    process = subprocess.Popen(
        ["node", "start-local-pds.js"], cwd=PDS_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    info: dict[str, Any] | None = None
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("PDS_READY"):
            info = json.loads(line.split(" ", 1)[1])
            break
    if info is None:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the local PDS did not start")
    yield info
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def org(engine: Engine) -> Iterator[dict[str, Any]]:
    """Author, reviewer, privacy officer, an active Bluesky account and an approved, scheduled post."""
    migrate(engine)
    vault = Vault([new_key()])
    clock = Clock(datetime.now(UTC))
    sessions = session_factory(engine)
    with sessions() as session:
        service = ComplianceService(session, vault, clock)
        officer = service.add_person("Pat", "po@example.org", {Role.PRIVACY_OFFICER})
        author = service.add_person("Avery", "avery@example.org", {Role.AUTHOR})
        reviewer = service.add_person("Riley", "riley@example.org", {Role.REVIEWER})
        service.record_training(
            TrainingCompletion(
                author.id, "social-media-privacy", clock.now.date() - timedelta(days=30), 95, "1"
            )
        )
        account = service.request_account("bluesky", "cedarridge.test", author.id, author.id)
        service.decide_account(account.id, True, officer.id)
        service.grant_posting_rights(author.id, account.id, officer.id)
        patient = service.add_patient("Robin Example", officer.id)
        auth = service.record_authorization(
            replace(
                authorization(),
                patient_id=patient,
                platforms=frozenset({"bluesky"}),
                expires_on=date.today() + timedelta(days=300),
            ),
            officer.id,
        )
        session.commit()
        ids = {
            "officer": officer.id,
            "author": author.id,
            "reviewer": reviewer.id,
            "account": account.id,
            "auth": auth.id,
        }

        def approved(text: str, authorizations: list[str] | None = None) -> str:
            post = service.create_post(
                author.id, text, [account.id], authorization_ids=authorizations or []
            )
            service.submit_post(post.id, author.id)
            service.review_post(post.id, reviewer.id, "approve")
            service.schedule_post(post.id, clock.now - timedelta(minutes=1), author.id)
            session.commit()
            return post.id

        yield {
            "ids": ids,
            "sessions": sessions,
            "vault": vault,
            "clock": clock,
            "approved": approved,
            "service": service,
        }


def make_publisher(org: dict[str, Any], **kwargs: Any) -> Publisher:
    return Publisher(org["sessions"], org["vault"], clock=org["clock"], **kwargs)
