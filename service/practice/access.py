"""API keys and the caller they identify: generation, hashing, scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

SCOPES = ("read", "write", "admin")
# A key is active until it is revoked; revoked keys stay listed (the audit log names them).
KEY_STATUSES = ("active", "revoked")
KEY_PREFIX = "cw"


@dataclass(frozen=True)
class Caller:
    """Who is asking: the practice they may see, their scopes, and what the audit log names."""

    practice_id: uuid.UUID
    actor: str
    scopes: frozenset[str]
    request_id: str | None = None


def new_key() -> tuple[str, str, str]:
    """Return (key shown once, lookup prefix, SHA-256 hash stored)."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hash_key(key)


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def parse_scopes(text: str) -> frozenset[str]:
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = scopes - set(SCOPES)
    if not scopes or unknown:
        raise ValueError(f"scopes must be a comma-separated subset of {', '.join(SCOPES)}")
    return scopes
