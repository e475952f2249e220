"""Configuration read from the environment, with defaults that run on a fresh machine."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from service.domain.route_alerts import RouteAlertRule

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
    # The payer catalog `flask payers import` writes (payers/catalog.py); None: the file
    # payers-catalog.json beside the directory file.
    payer_catalog_file: Path | None = None
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
    # Threads per server process that ask payers for checks made with
    # `Prefer: respond-async` (docs/eligibility.md).
    async_check_threads: int = 8
    # Request bodies above this many bytes answer 413 (room for the largest JSON a schema
    # allows: a 500,000-character 278, \u-escaped).
    max_body_bytes: int = 4 * 1024 * 1024
    # When set, GET /metrics needs `Authorization: Bearer <this>`.
    metrics_token: str | None = field(default=None, repr=False)
    # PostgreSQL connections each process keeps open (at least the gunicorn threads: a
    # smaller pool opens and closes extra connections in busy moments).
    db_pool_size: int = 20
    # Under gunicorn, the folder where every worker writes its metrics (gunicorn.conf.py
    # sets it); /metrics adds them up. None: this process's own counts.
    metrics_dir: Path | None = None
    # Webhooks (docs/webhooks.md): plain http and private addresses allowed (development and
    # tests only); the key sealing signing secrets at rest; threads per server process that
    # deliver (one endpoint each at a time).
    webhooks_allow_private: bool = False
    webhooks_secret_key: str | None = field(default=None, repr=False)
    webhook_threads: int = 8
    # Payer route alerts (docs/payers.md#route-alerts): a route_degraded alert opens when, of
    # a route's checks in the last window, at least min_checks were made and under
    # min_success of them were answered, or under min_within_20s within 20 seconds; a route
    # is judged after its checks, at most once per interval in each process.
    route_alert_window_minutes: float = 60.0
    route_alert_min_checks: int = 20
    route_alert_min_success: float = 0.8
    route_alert_min_within_20s: float = 0.8
    route_alert_interval_s: float = 30.0
    # CDS Hooks (docs/cds-hooks.md): the public address the EHR calls, as JWTs name it in
    # `aud` (None: the address of each request); and whether the service may reach plain-http
    # or private addresses (an EHR's JWK Set or FHIR server) - for development and tests only.
    cds_base_url: str | None = None
    cds_allow_private: bool = False

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
        if env.get("COVERWATCH_PAYER_CATALOG"):
            kwargs["payer_catalog_file"] = Path(env["COVERWATCH_PAYER_CATALOG"])
        if env.get("REDIS_URL"):
            kwargs["redis_url"] = env["REDIS_URL"]
        if env.get("REDIS_PREFIX"):
            kwargs["redis_prefix"] = env["REDIS_PREFIX"]
        if env.get("SESSION_COOKIE_SECURE"):
            kwargs["session_cookie_secure"] = env["SESSION_COOKIE_SECURE"].lower() not in (
                "0", "false", "no", "off")
        kwargs.update(_numbers(env))
        if env.get("PROMETHEUS_MULTIPROC_DIR"):
            kwargs["metrics_dir"] = Path(env["PROMETHEUS_MULTIPROC_DIR"])
        if env.get("METRICS_TOKEN"):
            kwargs["metrics_token"] = env["METRICS_TOKEN"]
        if env.get("WEBHOOKS_ALLOW_PRIVATE"):
            kwargs["webhooks_allow_private"] = env["WEBHOOKS_ALLOW_PRIVATE"].lower() in (
                "1", "true", "yes", "on")
        if env.get("WEBHOOKS_SECRET_KEY"):
            kwargs["webhooks_secret_key"] = env["WEBHOOKS_SECRET_KEY"]
        if env.get("CDS_BASE_URL"):
            kwargs["cds_base_url"] = env["CDS_BASE_URL"].rstrip("/")
        if env.get("CDS_ALLOW_PRIVATE"):
            kwargs["cds_allow_private"] = _flag(env["CDS_ALLOW_PRIVATE"])
        if env.get("SECRET_KEY"):
            kwargs["secret_key"] = env["SECRET_KEY"]
        return cls(**kwargs)

    @property
    def catalog_file(self) -> Path:
        return self.payer_catalog_file or self.payers_file.with_name("payers-catalog.json")

    @property
    def route_alert_rule(self) -> RouteAlertRule:
        return RouteAlertRule(window=timedelta(minutes=self.route_alert_window_minutes),
                              min_checks=self.route_alert_min_checks,
                              min_success=self.route_alert_min_success,
                              min_within_20s=self.route_alert_min_within_20s)

    @property
    def route_thread_limit(self) -> int:
        """Live checks one payer route may hold in flight or waiting, per server process."""
        return max(1, int(self.server_threads * self.payer_thread_share))

    def merged(self, overrides: dict[str, Any] | None) -> Config:
        """Return a copy with the given fields replaced (tests pass their own values)."""
        return replace(self, **(overrides or {}))


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'coverwatch.db'}"


# Numeric settings: variable, field, type, unit (for messages), lowest, whether the lowest
# itself is allowed, highest. A share or a rate of 0 would refuse everything, so theirs is not.
NUMBERS: tuple[tuple[str, str, type, str, float, bool, float | None], ...] = (
    ("ELIGIBILITY_REUSE_HOURS", "eligibility_reuse_hours", float, "hours", 0, True, None),
    ("SESSION_IDLE_MINUTES", "session_idle_minutes", float, "minutes", 0, False, None),
    ("SESSION_ABSOLUTE_HOURS", "session_absolute_hours", float, "hours", 0, False, None),
    ("VERDICT_CACHE_SIZE", "verdict_cache_size", int, "", 0, True, None),
    ("CHECK_RATE_PER_MINUTE", "check_rate_per_minute", float, "", 0, False, None),
    ("CHECK_BURST", "check_burst", int, "", 1, True, None),
    ("PAYER_PRACTICE_SHARE", "payer_practice_share", float, "", 0, False, 1),
    ("PAYER_THREAD_SHARE", "payer_thread_share", float, "", 0, False, 1),
    ("GUNICORN_THREADS", "server_threads", int, "", 1, True, None),
    ("ASYNC_CHECK_THREADS", "async_check_threads", int, "", 1, True, None),
    ("MAX_BODY_BYTES", "max_body_bytes", int, "bytes", 1024, True, None),
    ("DB_POOL_SIZE", "db_pool_size", int, "", 0, True, None),
    ("WEBHOOK_THREADS", "webhook_threads", int, "", 1, True, None),
    ("ROUTE_ALERT_WINDOW_MINUTES", "route_alert_window_minutes", float, "minutes", 0, False,
     24 * 60),
    ("ROUTE_ALERT_MIN_CHECKS", "route_alert_min_checks", int, "", 1, True, None),
    ("ROUTE_ALERT_MIN_SUCCESS", "route_alert_min_success", float, "", 0, True, 1),
    ("ROUTE_ALERT_MIN_WITHIN_20S", "route_alert_min_within_20s", float, "", 0, True, 1),
    ("ROUTE_ALERT_INTERVAL_S", "route_alert_interval_s", float, "seconds", 0, True, None),
)


def _numbers(env: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, field_name, kind, unit, low, inclusive, high in NUMBERS:
        if not env.get(name):
            continue
        what = ("a whole number" if kind is int else "a number") + (f" of {unit}" if unit else "")
        try:
            value = kind(env[name])
        except ValueError as exc:
            raise ConfigError(f"{name} must be {what}") from exc
        if value < low or (value == low and not inclusive) or (high is not None and value > high):
            bounds = f"at least {low:g}" if inclusive else f"more than {low:g}"
            upper = f" and at most {high:g}" if high is not None else ""
            raise ConfigError(f"{name} must be {bounds}{upper}")
        found[field_name] = value
    return found
