"""Signing secrets at rest: sealed with WEBHOOKS_SECRET_KEY, so a copy of the database alone
does not let anyone sign as us; shown to the practice once, never logged."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED, PLAIN = "aesgcm:", "plain:"


class Sealer:
    """Seals and opens secrets with a key derived from the deployment's key; without one,
    secrets are stored as they are (development), and the runner's start logs a warning."""

    def __init__(self, key: str | None) -> None:
        self.aead = None if not key else AESGCM(hashlib.sha256(key.encode()).digest())

    @property
    def sealing(self) -> bool:
        return self.aead is not None

    def seal(self, secret: str) -> str:
        if self.aead is None:
            return PLAIN + secret
        nonce = os.urandom(12)
        return SEALED + base64.b64encode(nonce + self.aead.encrypt(nonce, secret.encode(),
                                                                   None)).decode()

    def open(self, stored: str) -> str:
        if stored.startswith(PLAIN):
            return stored.removeprefix(PLAIN)
        if self.aead is None:
            raise ValueError("a sealed webhook secret needs WEBHOOKS_SECRET_KEY to be opened")
        raw = base64.b64decode(stored.removeprefix(SEALED))
        return self.aead.decrypt(raw[:12], raw[12:], None).decode()
