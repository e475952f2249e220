"""Who is signed in (server-side sessions), CSRF tokens, role checks, headers and error pages.

The session cookie (signed, HttpOnly, SameSite=Lax, Secure by default) holds a random session
token and the CSRF token: never patient data, since a signed cookie can be read by whoever
holds it. Who signed in, when, and their last activity are kept on the server
(service/practice/web_sessions.py), so that signing out ends the session for every copy of the
cookie.
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from service.domain import errors as domain
from service.domain.staff import ROLE_LABELS
from service.practice import web_sessions
from service.practice.access import Caller
from service.practice.staff import Staff
from service.ui import charts
from service.wiring import current_wiring

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("coverwatch.ui")
SID, CSRF, NEXT = "sid", "csrf", "next"
CSRF_FIELD = "csrf_token"
HEADERS = {
    # Everything the pages use is served from here: no inline script, no other origin.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Pages carry patient data: no shared or back-button cache may keep them.
    "Cache-Control": "no-store",
}
ERROR_TEXT = {
    400: "This form has expired or did not come from this site. Go back, reload the page "
         "and try again.",
    403: "Your role does not allow this. Ask the practice's administrator if you need it.",
    404: "This page does not exist, or belongs to another practice.",
    405: "This page cannot be used that way.",
    500: "Something went wrong on our side. Try again; if it happens again, tell the "
         "practice's administrator the time it happened.",
}


def lifetime() -> web_sessions.Lifetime:
    config = current_wiring().config
    return web_sessions.Lifetime(idle=timedelta(minutes=config.session_idle_minutes),
                                 absolute=timedelta(hours=config.session_absolute_hours))


def start(user: Staff) -> None:
    """A new session for a signed-in user (a new CSRF token too: nothing carries over)."""
    wiring = current_wiring()
    end()
    session.permanent = True
    session[SID] = web_sessions.start(uow=wiring.uow(), clock=wiring.clock, lifetime=lifetime(),
                                      user_id=user.id)
    session[CSRF] = secrets.token_urlsafe(32)


def end() -> None:
    """End this browser's session on the server too: a copy of the cookie is worth nothing."""
    token = session.get(SID)
    if isinstance(token, str):
        web_sessions.end(uow=current_wiring().uow(), token=token)
    session.clear()
    g.pop("staff", None)


def current() -> Staff | None:
    """The signed-in user, or None (also once the session was idle or open too long)."""
    wiring = current_wiring()
    if "staff" in g:
        return cast(Staff | None, g.staff)
    g.staff, g.expired = None, False
    token = session.get(SID)
    if token is not None:
        found = web_sessions.find(uow=wiring.uow(), clock=wiring.clock, lifetime=lifetime(),
                                  token=str(token))
        g.staff, g.expired = found.staff, found.expired
        if found.staff is None:
            session.clear()
    return cast(Staff | None, g.staff)


def caller() -> Caller:
    user = current()
    if user is None:
        abort(401)
    return user.caller(g.get("request_id"))


def csrf_token() -> str:
    if CSRF not in session:
        session[CSRF] = secrets.token_urlsafe(32)
    return cast(str, session[CSRF])


def signed_in(view: F) -> F:
    """Send anyone not signed in to the sign-in page; they come back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current() is None:
            if g.get("expired"):
                flash("Your session expired: it was idle for a while, or open for many hours. "
                      "Sign in again.")
            if request.method == "GET":
                session[NEXT] = request.path  # a path of ids only: no query string
            return redirect(url_for("ui.login"))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def admin_only(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current()
        if user is not None and "admin" not in user.scopes:
            abort(403)
        return view(*args, **kwargs)

    return signed_in(cast(F, wrapper))


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        log.warning("form refused: CSRF token missing or wrong")
        abort(400)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _context() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "me": current(), "role_labels": ROLE_LABELS,
            "charts": charts}


def error_page(code: int) -> ResponseReturnValue:
    return render_template("error.html", code=code,
                           message=ERROR_TEXT.get(code, ERROR_TEXT[500])), code


def _http(error: HTTPException) -> ResponseReturnValue:
    if error.code == 401:
        return redirect(url_for("ui.login"))
    return error_page(error.code or 500)


def _not_found(_error: domain.NotFound) -> ResponseReturnValue:
    return error_page(404)


def _unexpected(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException):
        return _http(error)
    log.error("unhandled error", exc_info=error)
    return error_page(500)


class NoSessionForTheApi(SecureCookieSessionInterface):
    """The JSON API (`/v1/…`) authenticates with bearer keys and never reads a session, so its
    requests skip the cookie's serializer (rebuilt by Flask on every request) and get an empty
    session that is never saved. Every other path, the web app's pages first, works as usual."""

    def __init__(self, api_prefix: str = "/v1/") -> None:
        self.api_prefix = api_prefix

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(self.api_prefix):
            return self.session_class()
        return super().open_session(app, request)


def install(bp: Blueprint) -> None:
    bp.before_request(_check_csrf)
    bp.after_request(_headers)
    bp.context_processor(_context)
    bp.register_error_handler(HTTPException, _http)
    bp.register_error_handler(domain.NotFound, _not_found)
    bp.register_error_handler(Exception, _unexpected)
