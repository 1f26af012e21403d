"""Where the data lives: SQLite by default (the embedded mode), PostgreSQL when
PHIGATE_DATABASE_URL points at one. The schema is always created by Alembic migrations."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def data_dir() -> Path:
    return Path(os.environ.get("PHIGATE_DATA_DIR", "var")).resolve()


def database_url() -> str:
    return os.environ.get("PHIGATE_DATABASE_URL") or f"sqlite:///{data_dir() / 'phigate.db'}"


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        # A pool larger than any worker's concurrency: a request never waits for a connection,
        # which matters because the web app checks access on the event loop.
        engine = create_engine(url, pool_size=20, max_overflow=200, pool_timeout=5)
    else:
        engine = create_engine(
            url, pool_size=10, max_overflow=40, pool_timeout=5, pool_pre_ping=True
        )
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
            # Foreign keys are off by default in SQLite; the audit chain relies on them.
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        # WAL lets readers and the writer work at once; the mode is stored in the file, so once.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
