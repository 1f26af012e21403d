"""The ASGI application uvicorn loads, configured from the environment."""

from __future__ import annotations

import os

from phigate.storage.crypto import Vault
from phigate.storage.database import data_dir, make_engine
from phigate.web.app import create_app


def _secret_key() -> str:
    configured = os.environ.get("PHIGATE_SECRET_KEY")
    if configured:
        return configured
    return (data_dir() / "session.key").read_text().strip()


app = create_app(
    make_engine(),
    Vault.from_environment(data_dir() / "encryption.key"),
    _secret_key(),
    https_only=os.environ.get("PHIGATE_HTTPS", "") == "1",
)
