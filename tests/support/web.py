"""Helpers for the web app's tests: staff accounts, signing in, forms with their CSRF token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service import staff

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
