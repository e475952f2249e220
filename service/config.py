"""Configuration read from the environment, with defaults that run on a fresh machine."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAYERS_FILE = ROOT / "payers.yaml"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Config:
    database_url: str
    payers_file: Path
    log_level: str = "INFO"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    eligibility_reuse_hours: float = 24.0
    # The job queue and the payer limits shared by re-verification workers; None: in-process.
    redis_url: str | None = None
    redis_prefix: str = "coverwatch"  # keys and queue names; deployments sharing a Redis differ
    # The web app's session cookie: Secure unless turned off for plain-http local use, and
    # signed out after this many idle minutes.
    session_cookie_secure: bool = True
    session_idle_minutes: float = 30.0
    # ... and this many hours after signing in, however active (a day's shift).
    session_absolute_hours: float = 12.0
    # Coverages whose verdict inputs each server process keeps in memory (least recently
    # checked dropped first); 0 reads them from the database for every check.
    verdict_cache_size: int = 2000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        level = env.get("LOG_LEVEL", "INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        kwargs: dict[str, Any] = {
            "database_url": env.get("DATABASE_URL") or default_database_url(),
            "payers_file": Path(env.get("COVERWATCH_PAYERS") or DEFAULT_PAYERS_FILE),
            "log_level": level,
        }
        if env.get("ELIGIBILITY_REUSE_HOURS"):
            try:
                kwargs["eligibility_reuse_hours"] = float(env["ELIGIBILITY_REUSE_HOURS"])
            except ValueError as exc:
                raise ConfigError("ELIGIBILITY_REUSE_HOURS must be a number of hours") from exc
        if env.get("REDIS_URL"):
            kwargs["redis_url"] = env["REDIS_URL"]
        if env.get("REDIS_PREFIX"):
            kwargs["redis_prefix"] = env["REDIS_PREFIX"]
        if env.get("SESSION_COOKIE_SECURE"):
            kwargs["session_cookie_secure"] = env["SESSION_COOKIE_SECURE"].lower() not in (
                "0", "false", "no", "off")
        if env.get("SESSION_IDLE_MINUTES"):
            try:
                kwargs["session_idle_minutes"] = float(env["SESSION_IDLE_MINUTES"])
            except ValueError as exc:
                raise ConfigError("SESSION_IDLE_MINUTES must be a number of minutes") from exc
            if kwargs["session_idle_minutes"] <= 0:
                raise ConfigError("SESSION_IDLE_MINUTES must be more than 0")
        if env.get("SESSION_ABSOLUTE_HOURS"):
            try:
                kwargs["session_absolute_hours"] = float(env["SESSION_ABSOLUTE_HOURS"])
            except ValueError as exc:
                raise ConfigError("SESSION_ABSOLUTE_HOURS must be a number of hours") from exc
            if kwargs["session_absolute_hours"] <= 0:
                raise ConfigError("SESSION_ABSOLUTE_HOURS must be more than 0")
        if env.get("VERDICT_CACHE_SIZE"):
            try:
                kwargs["verdict_cache_size"] = int(env["VERDICT_CACHE_SIZE"])
            except ValueError as exc:
                raise ConfigError("VERDICT_CACHE_SIZE must be a whole number") from exc
            if kwargs["verdict_cache_size"] < 0:
                raise ConfigError("VERDICT_CACHE_SIZE must be 0 or more")
        if env.get("SECRET_KEY"):
            kwargs["secret_key"] = env["SECRET_KEY"]
        return cls(**kwargs)

    def merged(self, overrides: dict[str, Any] | None) -> Config:
        """Return a copy with the given fields replaced (tests pass their own values)."""
        return replace(self, **(overrides or {}))


def default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'coverwatch.db'}"
