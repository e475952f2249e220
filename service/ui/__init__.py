"""The front desk web app: server-rendered pages under /app over the same use cases as the API."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from service.ui import filters, session
from service.ui.blueprint import bp
from service.ui.views import accounts, checks, clients, oversight, phone, sheets

__all__ = ["accounts", "bp", "checks", "clients", "oversight", "phone", "register", "sheets"]

# Once, at import: a blueprint takes no new hooks after its first registration.
session.install(bp)
filters.install(bp)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.session_interface = session.NoSessionForTheApi()
    app.add_url_rule("/", "root", _to_app)


def _to_app() -> Response:
    return redirect(url_for("ui.home"))
