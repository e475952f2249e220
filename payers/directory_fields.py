"""Typed readers for the fields of one payer directory entry, with errors naming the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

KNOWN = frozenset({
    "id", "name", "payer_id", "adapter", "url", "sender_id", "receiver_id",
    "trace_originator", "username", "password", "username_env", "password_env", "client_id",
    "client_secret", "client_id_env", "client_secret_env", "token_url", "timeout_s",
    "max_concurrency", "rate_per_s", "breaker_failures", "breaker_cooldown_s",
    "service_types", "usage", "fallback", "sandbox_latency_ms", "rules",
    "max_reply_bytes", "api_key", "api_key_env", "api", "scope", "payer", "clearinghouse",
    "cob_url",
})
ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STC_RE = re.compile(r"^[A-Z0-9]{1,2}$")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class DirectoryError(ValueError):
    """The payer directory file is missing or wrong; the message says where."""


class FieldReader:
    """Reads one entry's fields; every complaint says which file, entry and field."""

    def __init__(self, item: dict[str, Any], where: str) -> None:
        self.item = item
        self.where = where

    def fail(self, name: str, problem: str) -> DirectoryError:
        return DirectoryError(f"{self.where}: {name} {problem}")

    def reject_unknown(self) -> None:
        unknown = sorted(str(k) for k in self.item if k not in KNOWN)
        if unknown:
            raise DirectoryError(f"{self.where}: unknown field(s) {', '.join(unknown)}")

    def text(self, name: str, *, max_len: int = 200) -> str | None:
        value = self.item.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(name, "must be text")
        value = str(value).strip()
        if not value or len(value) > max_len or not value.isprintable():
            raise self.fail(name, f"must be 1 to {max_len} printable characters")
        return value

    def env_name(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not ENV_RE.match(value):
            raise self.fail(name, "must name an environment variable (letters, digits, _)")
        return value

    def url(self, name: str, *, required: bool) -> str | None:
        value = self.text(name, max_len=2000)
        if value is None:
            if required:
                raise self.fail(name, "is required for this adapter")
            return None
        parts = urlsplit(value)
        # Plain http only to this machine (tests, the local simulated payer): PHI travels
        # over TLS everywhere else.
        if parts.scheme == "https" and parts.hostname:
            return value
        if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
            return value
        raise self.fail(name, "must be an https URL (http only for localhost)")

    def originator(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and (len(value) != 10 or value[0] not in "19"):
            raise self.fail(name, "must be 10 characters starting with 1 or 9")
        return value

    def _numeric(self, name: str) -> float | None:
        value = self.item.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, "must be a number")
        return float(value)

    def number(self, name: str, *, default: float, low: float, high: float) -> float:
        value = self._numeric(name)
        if value is None:
            return default
        if not low <= value <= high:
            raise self.fail(name, f"must be between {low:g} and {high:g}")
        return value

    def optional_number(self, name: str, *, low: float, high: float) -> float | None:
        if self.item.get(name) is None:
            return None
        return self.number(name, default=low, low=low, high=high)

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        value = self.item.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, "must be a whole number")
        if not low <= value <= high:
            raise self.fail(name, f"must be between {low} and {high}")
        return value

    def optional_integer(self, name: str, *, low: int, high: int) -> int | None:
        if self.item.get(name) is None:
            return None
        return self.integer(name, default=low, low=low, high=high)

    def service_types(self, name: str) -> tuple[str, ...]:
        value = self.item.get(name)
        if value is None:
            return ("30",)
        if not isinstance(value, list) or not value:
            raise self.fail(name, "must be a non-empty list of service type codes")
        codes = tuple(str(code).upper() for code in value)
        if any(not STC_RE.match(code) for code in codes):
            raise self.fail(name, "must hold 1-2 character service type codes such as 30 or MH")
        return codes

    def choice(self, name: str, options: tuple[str, ...]) -> str | None:
        value = self.text(name)
        if value is not None and value not in options:
            raise self.fail(name, f"must be one of {', '.join(options)}")
        return value

    def mapping(self, name: str) -> Mapping[str, Any]:
        value = self.item.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(name, "must be a mapping")
        return dict(value)
