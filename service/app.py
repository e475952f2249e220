"""The app factory: configuration, database, payer directory, clock, blueprints, errors, CLI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FunctionType
from typing import Any

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from payers.catalog import load_catalog
from payers.directory import PayerEntry, load_directory
from payers.registry import PayerRegistry
from service import cli, logs, ui
from service.cli import payers as cli_payers
from service.cli import reverify as cli_reverify
from service.cli import webhooks as cli_webhooks
from service.config import Config
from service.db.engine import DATABASE_ERRORS, make_engine, make_session_factory, unavailable
from service.eligibility.health import RouteReport, every_route_health
from service.metrics import Metrics
from service.web import (
    api_keys,
    audit,
    authorizations,
    cds,
    cds_clients,
    cob,
    coverages,
    eligibility,
    errors,
    hooks,
    idempotency,
    lists,
    ops,
    patients,
    practice,
    reverification,
    visits,
    webhooks,
)
from service.web import fhir as fhir_facade
from service.web.document import ContractApi
from service.wiring import EXTENSION, Wiring

API_TITLE = "Coverwatch"
API_VERSION = "v1"
API_DESCRIPTION = """Insurance eligibility and authorization tracking for therapy practices.

Authenticate with `Authorization: Bearer <API key>`. Keys carry the scopes `read` (GET),
`write` (POST, PATCH) and `admin` (audit log, raw X12). Each key sees only its practice:
another practice's record answers 404.

Every error has the shape `{code, status, error, message, errors}`: `error` is a stable
machine-readable code (`not_found`, `validation_failed`, `conflict`, `rate_limited`...);
`errors` maps field names to messages for invalid input (422). Money and rates are decimal
strings (`"0.20"` is 20 %). Lists are paginated with `page` and `page_size` and answer
`{items, page, page_size, total}`. Send `X-Request-ID` to trace a request; it is echoed (or
generated) in the response.
"""


class App(Flask):
    """Flask, remembering which of its hooks and views are coroutine functions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[FunctionType, Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Flask asks inspect, for each hook and the view of every request (about a dozen a
        # request), whether the function is a coroutine function; a function's answer never
        # changes. Only plain functions are kept: a bound method made per call is not.
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        sync = self._sync.get(func)
        if sync is None:
            sync = self._sync[func] = super().ensure_sync(func)
        return sync


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    config: dict[str, Any] | Config | None = None,
    *,
    payers: PayerRegistry | dict[str, PayerEntry] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Flask:
    """Build the app. Tests pass their own config (or overrides), payers and clock.

    `payers` is a ready registry (tests point its routes at local HTTP servers), a directory
    of entries, or None to read the directory file named by COVERWATCH_PAYERS.
    """
    cfg = config if isinstance(config, Config) else Config.from_env().merged(config)
    logs.configure(cfg.log_level)
    app = App(__name__)
    app.config.update(
        SECRET_KEY=cfg.secret_key,
        # The web app's session cookie (the JSON API uses bearer keys and no cookie).
        SESSION_COOKIE_NAME="coverwatch_session",
        SESSION_COOKIE_SECURE=cfg.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=cfg.session_idle_minutes),
        # Checked against Content-Length before any body is read (service/web/hooks.py), and
        # by werkzeug on chunked bodies as they are read.
        MAX_CONTENT_LENGTH=cfg.max_body_bytes,
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        API_SPEC_OPTIONS={
            # No public project URL is known, so the contact names the maintainers only.
            "info": {"description": API_DESCRIPTION,
                     "contact": {"name": "Coverwatch maintainers"},
                     "license": {"name": "Apache-2.0",
                                 "url": "https://www.apache.org/licenses/LICENSE-2.0"}},
            # Relative: the document describes the deployment that serves it.
            "servers": [{"url": "/", "description": "The server that serves this document"}],
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            }},
        },
    )
    engine = make_engine(cfg.database_url, pool_size=cfg.db_pool_size)
    wiring = Wiring(
        config=cfg,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=clock or utc_now,
        payers=payers if isinstance(payers, PayerRegistry) else _registry(cfg, payers),
        metrics=Metrics(multiprocess_dir=cfg.metrics_dir),
    )
    app.extensions[EXTENSION] = wiring
    wiring.metrics.watch_routes(lambda: _route_health(wiring))

    api = ContractApi(app)
    for blueprint in (ops.blp, patients.blp, coverages.blp, eligibility.blp,
                      authorizations.blp, visits.blp, practice.blp, audit.blp,
                      reverification.blp, lists.blp, api_keys.blp, webhooks.blp,
                      cds_clients.blp, cob.blp):
        api.register_blueprint(blueprint)
    webhooks.document(api.spec)
    # CDS Hooks speaks its own protocol (docs/cds-hooks.md): outside the /v1 document.
    app.register_blueprint(cds.blp)
    errors.register(app, database_errors=DATABASE_ERRORS, unavailable=unavailable)
    # /fhir answers FHIR resources, errors as OperationOutcome (docs/fhir.md).
    fhir_facade.register(app, database_errors=DATABASE_ERRORS, unavailable=unavailable)
    ui.register(app)
    hooks.register(app, metrics=wiring.metrics, clock=wiring.clock)
    # After the hooks: a key is judged once the request is known to be well formed, and the
    # access line logs the answer as finally sent.
    idempotency.register(app)
    app.add_url_rule("/docs/assets/<path:filename>", "docs_assets", _docs_asset)
    cli.register(app)
    cli_reverify.register(app)
    cli_webhooks.register(app)
    cli_payers.register(app)
    return app


def _docs_asset(filename: str) -> Any:
    # Swagger UI is served from the installed package, so /docs works with no internet.
    return send_from_directory(swagger_ui_path, filename)


def _registry(cfg: Config, entries: dict[str, PayerEntry] | None) -> PayerRegistry:
    """The routes given, or the directory file's, with the catalog their payers come from."""
    catalog = load_catalog(cfg.catalog_file)
    if entries is None:
        entries = load_directory(cfg.payers_file, catalog=catalog)
    return PayerRegistry.from_directory(entries, catalog=catalog)


def _route_health(wiring: Wiring) -> list[RouteReport]:
    """The routes' health for /metrics; none while the database is unreachable, so that the
    request counts are still scraped (readyz says the database is down)."""
    try:
        return every_route_health(uow=wiring.uow(), clock=wiring.clock, registry=wiring.payers)
    except DATABASE_ERRORS:
        logging.getLogger("coverwatch.metrics").warning(
            "route health gauges skipped: database unavailable")
        return []
