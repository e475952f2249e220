"""API keys and the caller they identify: generation, hashing, scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

SCOPES = ("read", "write", "admin")
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


class CallerCache:
    """Keys seen recently, so that a busy client's requests skip the key lookup.

    Only successful look-ups are kept (a new key works at once), for `ttl_s` seconds: a key
    revoked in the database stops working within that time.
    """

    def __init__(self, *, ttl_s: float = 60.0, size: int = 1024,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.size, self.clock = ttl_s, size, clock
        self._entries: OrderedDict[str, tuple[float, Caller]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Caller | None:
        digest = hash_key(key)
        with self._lock:
            found = self._entries.get(digest)
            if found is None or found[0] < self.clock():
                return None
            self._entries.move_to_end(digest)
            return found[1]

    def put(self, key: str, caller: Caller) -> None:
        with self._lock:
            self._entries[hash_key(key)] = (self.clock() + self.ttl_s, caller)
            self._entries.move_to_end(hash_key(key))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
