"""The ASGI application uvicorn loads, configured from the environment."""

from __future__ import annotations

import gc
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

# Everything loaded so far (modules, templates, the scanner's tables) lives as long as the process:
# moved out of the collector's reach, the full collections that stall a busy worker for tens of
# milliseconds have far less to walk.
gc.collect()
gc.freeze()
