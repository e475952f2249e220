"""Signing in and out, and the practice's staff accounts (administrators only)."""

from __future__ import annotations

import math
import uuid

from flask import flash, g, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from service.domain.errors import InvalidInput
from service.domain.staff import MAX_EMAIL, ROLE_LABELS, ROLES
from service.practice import signin, staff, web_sessions
from service.ui import device
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

# One answer for an unknown email, a wrong password and a locked account alike.
WRONG = ("The email or password is not right. If it keeps happening with the right one, "
         "ask an administrator.")
THROTTLED = ("Too many failed sign-ins from this address. Try again in {minutes} minutes, "
             "or ask an administrator.")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    wiring = current_wiring()
    if request.method == "GET":
        if ui_session.current() is not None:
            return redirect(url_for("ui.schedule"))
        return render_template("login.html", email="", error=None)
    email = request.form.get("email", "")
    shown = email if len(email) <= MAX_EMAIL else ""
    result = signin.sign_in(
        uow=wiring.uow(), clock=wiring.clock, secret=wiring.config.secret_key,
        attempt=signin.Attempt(email=email, password=request.form.get("password", ""),
                               address=request.remote_addr or "unknown",
                               trusted_user=device.trusted_user(),
                               request_id=g.get("request_id")))
    if result.retry_after is not None:
        error = THROTTLED.format(minutes=math.ceil(result.retry_after / 60))
        response = make_response(render_template("login.html", email=shown, error=error), 429)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.staff is None:
        return render_template("login.html", email=shown, error=WRONG), 401
    back = session.get(ui_session.NEXT) or ""
    ui_session.start(result.staff)
    # The app's bare address (/app/) is where a visit with no page in mind lands: the day's
    # schedule, like any sign-in without a page to go back to.
    landing = back.startswith("/app/") and back != url_for("ui.home")
    home = redirect(back if landing else url_for("ui.schedule"))
    device.remember(home, result.staff.id)
    return home


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    ui_session.end()
    flash("You are signed out.")
    return redirect(url_for("ui.login"))


@bp.route("/users", methods=["GET", "POST"])
@ui_session.admin_only
def users() -> ResponseReturnValue:
    wiring = current_wiring()
    errors: dict[str, list[str]] = {}
    form = {"email": "", "role": "front_desk"}
    status = 200
    if request.method == "POST":
        form = {"email": request.form.get("email", ""), "role": request.form.get("role", "")}
        try:
            created = staff.create_user(
                uow=wiring.uow(), clock=wiring.clock, practice_id=ui_session.caller().practice_id,
                email=form["email"], role=form["role"],
                password=request.form.get("password", ""))
        except InvalidInput as error:
            errors, status = error.errors, 422
            form["email"] = form["email"][:MAX_EMAIL]
        else:
            flash(f"Account {created.email} created.")
            return redirect(url_for("ui.users"))
    rows = staff.list_users(uow=wiring.uow(), caller=ui_session.caller())
    return render_template("users.html", users=rows,
                           roles=[(r, ROLE_LABELS[r]) for r in ROLES], form=form, errors=errors,
                           now=wiring.clock()), status


@bp.route("/users/<uuid:user_id>/unlock", methods=["POST"])
@ui_session.admin_only
def unlock(user_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    staff.unlock_user(uow=wiring.uow(), clock=wiring.clock, caller=ui_session.caller(),
                      user_id=user_id)
    flash("The account is unlocked.")
    return redirect(url_for("ui.users"))


@bp.route("/users/<uuid:user_id>/sign-out", methods=["POST"])
@ui_session.admin_only
def sign_out_everywhere(user_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    ended = web_sessions.end_all(uow=wiring.uow(), clock=wiring.clock,
                                 caller=ui_session.caller(), user_id=user_id)
    flash(f"Signed out everywhere ({ended} open session{'' if ended == 1 else 's'} ended).")
    return redirect(url_for("ui.users"))
