"""Helpers for the web app's tests: staff accounts, signing in, forms with their CSRF token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from service.db.models import AuditEvent, StaffUser
from service.domain.staff import ACCOUNT_FAILURES, PAIR_ATTEMPTS
from service.practice import staff

PASSWORD = "lantern orchard seventy"


def new_user(app: Flask, practice_id: uuid.UUID, *, role: str = "front_desk",
             email: str | None = None) -> staff.Staff:
    wiring = app.extensions["coverwatch"]
    return staff.create_user(uow=wiring.uow(), clock=wiring.clock, practice_id=practice_id,
                             email=email or f"{role}-{uuid.uuid4().hex[:6]}@clinic.example",
                             role=role, password=PASSWORD)


def token(client: FlaskClient) -> str:
    """The session's CSRF token, as the page's hidden field carries it."""
    client.get("/app/login")
    with client.session_transaction() as session:
        return str(session["csrf"])


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None,
         **kwargs: Any) -> Any:
    return client.post(path, data={**(data or {}), "csrf_token": token(client)}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return post(client, "/app/login", {"email": email, "password": password})


def signed_in_client(app: Flask, practice_id: uuid.UUID, role: str = "front_desk") -> FlaskClient:
    client = app.test_client()
    user = new_user(app, practice_id, role=role)
    assert sign_in(client, user.email).status_code == 302
    return client


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    return found.group(1) if found else ""


def from_address(client: FlaskClient, address: str) -> FlaskClient:
    """The client's requests come from `address` from now on (the throttle keys on it)."""
    client.environ_base["REMOTE_ADDR"] = address
    return client


def quick_hash(app: Flask, user_id: uuid.UUID) -> None:
    """Store the user's password with a cheap scrypt cost: tests that make many wrong guesses
    measure counting, not hashing (the app's own hashes keep the full cost)."""
    with app.extensions["coverwatch"].uow() as uow:
        uow.session.execute(update(StaffUser).where(StaffUser.id == user_id).values(
            password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1")))
        uow.commit()


def lock_out(app: Flask, email: str) -> None:
    """Guess wrong ACCOUNT_FAILURES times from as many addresses as the throttle needs."""
    for n in range(ACCOUNT_FAILURES):
        if n % PAIR_ATTEMPTS == 0:
            guesser = from_address(app.test_client(), f"198.51.100.{n // PAIR_ATTEMPTS + 1}")
            form = {"email": email, "csrf_token": token(guesser)}
        answer = guesser.post("/app/login", data={**form, "password": f"wrong password {n}"})
        assert answer.status_code == 401


def audit_actions(app: Flask, user_id: uuid.UUID) -> list[tuple[str, str]]:
    """(action, actor) of the audit rows about a staff account, oldest first."""
    with app.extensions["coverwatch"].uow() as uow:
        rows = uow.session.scalars(select(AuditEvent).where(
            AuditEvent.resource_type == "staff_user",
            AuditEvent.resource_id == str(user_id)).order_by(AuditEvent.id)).all()
        return [(row.action, row.actor) for row in rows]
