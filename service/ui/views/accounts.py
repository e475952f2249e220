"""Signing in and out, and the practice's staff accounts (administrators only)."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from service import staff
from service.domain.errors import InvalidInput
from service.domain.staff import LOCKOUT, ROLE_LABELS, ROLES
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.web.context import ext

LOCKED = (f"This account is locked after too many failed sign-ins. Try again in "
          f"{int(LOCKOUT.total_seconds() // 60)} minutes, or ask an administrator to unlock it.")
WRONG = "The email or password is not right."


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        if ui_session.current() is not None:
            return redirect(url_for("ui.home"))
        return render_template("login.html", email="", error=None)
    email = request.form.get("email", "")
    result = staff.sign_in(uow=ext().uow(), clock=ext().clock, email=email,
                           password=request.form.get("password", ""))
    if result.staff is None:
        error, status = (LOCKED, 423) if result.locked else (WRONG, 401)
        return render_template("login.html", email=email, error=error), status
    back = session.get(ui_session.NEXT) or ""
    ui_session.start(result.staff)
    return redirect(back if back.startswith("/app/") else url_for("ui.home"))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    ui_session.end()
    flash("You are signed out.")
    return redirect(url_for("ui.login"))


@bp.route("/users", methods=["GET", "POST"])
@ui_session.admin_only
def users() -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    form = {"email": "", "role": "front_desk"}
    status = 200
    if request.method == "POST":
        form = {"email": request.form.get("email", ""), "role": request.form.get("role", "")}
        try:
            created = staff.create_user(
                uow=ext().uow(), clock=ext().clock, practice_id=ui_session.caller().practice_id,
                email=form["email"], role=form["role"],
                password=request.form.get("password", ""))
        except InvalidInput as error:
            errors, status = error.errors, 422
        else:
            flash(f"Account {created.email} created.")
            return redirect(url_for("ui.users"))
    rows = staff.list_users(uow=ext().uow(), caller=ui_session.caller())
    return render_template("users.html", users=rows,
                           roles=[(r, ROLE_LABELS[r]) for r in ROLES], form=form, errors=errors,
                           now=ext().clock()), status


@bp.route("/users/<uuid:user_id>/unlock", methods=["POST"])
@ui_session.admin_only
def unlock(user_id: uuid.UUID) -> ResponseReturnValue:
    staff.unlock_user(uow=ext().uow(), caller=ui_session.caller(), user_id=user_id)
    flash("The account is unlocked.")
    return redirect(url_for("ui.users"))
