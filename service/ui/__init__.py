"""The front desk web app: server-rendered pages under /app over the same use cases as the API."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from service.ui import filters, session
from service.ui.blueprint import bp
from service.ui.views import accounts, checks, clients, oversight, schedule

__all__ = ["accounts", "bp", "checks", "clients", "oversight", "register", "schedule"]

# Once, at import: a blueprint takes no new hooks after its first registration.
session.install(bp)
filters.install(bp)


@bp.route("/<path:unknown>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def not_found(unknown: str) -> ResponseReturnValue:
    """Any other address under /app is a page of the app's own that does not exist: its HTML
    not-found page, not the API's JSON (a URL no rule matches never reaches a blueprint's
    error handlers, so this rule catches it)."""
    return session.error_page(404)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.session_interface = session.NoSessionForTheApi()
    app.add_url_rule("/", "root", _to_app)


def _to_app() -> Response:
    return redirect(url_for("ui.schedule"))
