"""Databases for the tests: SQLite always, PostgreSQL when it is reachable.

A PostgreSQL test gets its own schema, dropped afterwards. When the server is not reachable the
PostgreSQL variants are skipped, unless PHIGATE_REQUIRE_SERVICES is set (CI sets it), in which
case they fail: CI must never pass by skipping the real database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import OperationalError

# The web process's scheduler thread would publish and poll behind a test's back; the tests that
# exercise it turn it on themselves.
os.environ.setdefault("PHIGATE_SCHEDULER", "off")

POSTGRES_URL = os.environ.get(
    "PHIGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3}).connect():
            return True
    except OperationalError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    from phigate.storage.database import make_engine

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'phigate.db'}")
        yield engine
        engine.dispose()
        return
    if not _postgres_available():
        if os.environ.get("PHIGATE_REQUIRE_SERVICES"):
            pytest.fail(
                f"PostgreSQL is required (PHIGATE_REQUIRE_SERVICES) but {POSTGRES_URL} is unreachable"
            )
        pytest.skip("PostgreSQL is not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()
