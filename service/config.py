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
    # Fairness on payer routes (docs/security/fairness.md): live checks a practice may start
    # per minute and at once (a token bucket per practice, per server process); the share of
    # a route's max_concurrency one practice may hold; the share of the request threads
    # (gunicorn's GUNICORN_THREADS) one route may hold in flight or waiting.
    check_rate_per_minute: float = 60.0
    check_burst: int = 60
    payer_practice_share: float = 0.5
    payer_thread_share: float = 0.5
    server_threads: int = 16
    # Request bodies above this many bytes answer 413 (room for the largest JSON a schema
    # allows: a 500,000-character 278, \u-escaped).
    max_body_bytes: int = 4 * 1024 * 1024
    # When set, GET /metrics needs `Authorization: Bearer <this>`.
    metrics_token: str | None = field(default=None, repr=False)

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
        kwargs.update(_fairness(env))
        if env.get("MAX_BODY_BYTES"):
            try:
                kwargs["max_body_bytes"] = int(env["MAX_BODY_BYTES"])
            except ValueError as exc:
                raise ConfigError("MAX_BODY_BYTES must be a whole number of bytes") from exc
            if kwargs["max_body_bytes"] < 1024:
                raise ConfigError("MAX_BODY_BYTES must be at least 1024")
        if env.get("METRICS_TOKEN"):
            kwargs["metrics_token"] = env["METRICS_TOKEN"]
        if env.get("SECRET_KEY"):
            kwargs["secret_key"] = env["SECRET_KEY"]
        return cls(**kwargs)

    @property
    def route_thread_limit(self) -> int:
        """Live checks one payer route may hold in flight or waiting, per server process."""
        return max(1, int(self.server_threads * self.payer_thread_share))

    def merged(self, overrides: dict[str, Any] | None) -> Config:
        """Return a copy with the given fields replaced (tests pass their own values)."""
        return replace(self, **(overrides or {}))


def default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'coverwatch.db'}"


def _fairness(env: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, field_name, kind, low, high in (
        ("CHECK_RATE_PER_MINUTE", "check_rate_per_minute", float, 0.0, None),
        ("CHECK_BURST", "check_burst", int, 1, None),
        ("PAYER_PRACTICE_SHARE", "payer_practice_share", float, 0.0, 1.0),
        ("PAYER_THREAD_SHARE", "payer_thread_share", float, 0.0, 1.0),
        ("GUNICORN_THREADS", "server_threads", int, 1, None),
    ):
        if not env.get(name):
            continue
        try:
            value = kind(env[name])
        except ValueError as exc:
            raise ConfigError(f"{name} must be a {'whole ' if kind is int else ''}number") from exc
        # Shares and the rate must be above 0 (a share of 0 would refuse every check).
        if value < low or (kind is float and value <= low) or (high is not None and value > high):
            bounds = f"more than {low}" if kind is float else f"{low} or more"
            raise ConfigError(f"{name} must be {bounds}" + (f" and at most {high}" if high else ""))
        found[field_name] = value
    return found
