"""The front desk web app: server-rendered pages under /app over the same use cases as the API."""

from __future__ import annotations

from typing import cast

from flask import Flask, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from service.ui import filters, session
from service.ui.blueprint import bp
from service.ui.views import accounts, checks, clients, oversight, phone, schedule, sheets

__all__ = ["accounts", "bp", "checks", "clients", "oversight", "phone", "register", "schedule",
           "sheets"]

# Once, at import: a blueprint takes no new hooks after its first registration.
session.install(bp)
filters.install(bp)


def register(app: Flask) -> None:
    """After the API's error handlers (service/web/errors.py): it takes over their 404."""
    app.register_blueprint(bp)
    _not_found_pages(app)
    app.session_interface = session.NoSessionForTheApi()
    app.add_url_rule("/", "root", _to_app)


def _to_app() -> Response:
    return redirect(url_for("ui.schedule"))


def _not_found_pages(app: Flask) -> None:
    """An address under /app that no rule matches answers the app's HTML not-found page; any
    other keeps the API's JSON. Such a request never reaches the blueprint's own handlers (no
    rule, so no blueprint), hence one app-wide handler that looks at the path."""
    api = app.error_handler_spec[None][404][NotFound]
    prefix = bp.url_prefix or "/app"

    def not_found(error: NotFound) -> ResponseReturnValue:
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return session.error_page(404)
        return cast(ResponseReturnValue, api(error))  # the API's handler is synchronous

    app.register_error_handler(NotFound, not_found)
