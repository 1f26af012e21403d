"""Encryption at rest for patient data, post text and signed forms (45 CFR 164.312(a)(2)(iv)).

Keys come from configuration (PHIGATE_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first).
MultiFernet decrypts with any listed key and encrypts with the first, so a key is rotated by putting
a new one first, running `phigate keys rotate`, then dropping the old one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class KeyError_(ValueError):
    """The encryption keys are missing or wrong; the message says what to do."""


class Vault:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise KeyError_("no encryption key configured: set PHIGATE_ENCRYPTION_KEYS")
        self._source_keys = [k.strip() for k in keys]
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in self._source_keys])
        except (ValueError, TypeError):
            raise KeyError_(
                "PHIGATE_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                "(generate one with `phigate keys new`)"
            ) from None

    @classmethod
    def from_environment(cls, fallback_file: Path | None = None) -> Vault:
        """Keys from PHIGATE_ENCRYPTION_KEYS; for the embedded default, a key file created once
        with owner-only permissions."""
        configured = os.environ.get("PHIGATE_ENCRYPTION_KEYS", "").strip()
        if configured:
            return cls([k for k in configured.split(",") if k.strip()])
        if fallback_file is None:
            raise KeyError_("no encryption key configured: set PHIGATE_ENCRYPTION_KEYS")
        if not fallback_file.exists():
            fallback_file.parent.mkdir(parents=True, exist_ok=True)
            fallback_file.write_text(Fernet.generate_key().decode("ascii") + "\n")
            fallback_file.chmod(0o600)
        return cls([fallback_file.read_text().strip()])

    @property
    def keys(self) -> list[str]:
        return list(self._source_keys)

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise KeyError_(
                "stored data cannot be decrypted with the configured keys; was a key removed "
                "before `phigate keys rotate` ran?"
            ) from None

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)

    def seal(self, value: Any) -> bytes:
        return self.encrypt(json.dumps(value, sort_keys=True, default=str).encode("utf-8"))

    def open(self, token: bytes) -> Any:
        return json.loads(self.decrypt(token))


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
