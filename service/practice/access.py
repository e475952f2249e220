"""API keys and the caller they identify: generation, hashing, scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

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
    # For a key kept in memory (VerifiedKeys): its practice's config stamp when the key was
    # read. Revoking a key (or changing its scopes) moves that stamp, so such a caller is
    # trusted only by code that reads the stamp anyway and finds it unchanged
    # (VerdictInputSource.get). None: the key was read for this request.
    config_version: int | None = None


class CallerChanged(Exception):  # noqa: N818 - a signal, not a failure
    """The practice's config stamp moved since the caller's key was read: read it again."""


@dataclass(frozen=True)
class Verified:
    """A key found live: its id, the caller it identifies, its last use as last recorded."""

    key_id: uuid.UUID
    caller: Caller
    last_used: datetime | None


class VerifiedKeys:
    """Keys this process has verified, with their caller and last recorded use. Only the
    operations that read the config stamp in their own statement (visit checks and
    forecasts) are answered from here; every other request reads its key."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[str, Verified] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Verified | None:
        digest = hash_key(key)
        with self._lock:
            found = self._entries.get(digest)
            if found is not None:
                self._entries.move_to_end(digest)
            return found

    def put(self, key: str, verified: Verified) -> None:
        digest = hash_key(key)
        with self._lock:
            self._entries[digest] = verified
            self._entries.move_to_end(digest)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._entries.pop(hash_key(key), None)


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
