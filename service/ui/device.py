"""A cookie that says "this browser signed in to this account before".

Its holder is let through an account lock (service/practice/signin.py), which only guessing
from many addresses causes: the person at their usual browser is not locked out by someone else.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from service.wiring import current_wiring

NAME = "coverwatch_device"
MAX_AGE = timedelta(days=90)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="coverwatch-device")


def trusted_user() -> uuid.UUID | None:
    """The account this browser signed in to before, when its cookie is genuine and recent."""
    value = request.cookies.get(NAME)
    if not value:
        return None
    try:
        return uuid.UUID(str(_serializer().loads(value, max_age=int(MAX_AGE.total_seconds()))))
    except (BadData, ValueError):
        return None


def remember(response: Response, user_id: uuid.UUID) -> None:
    response.set_cookie(NAME, _serializer().dumps(str(user_id)),
                        max_age=int(MAX_AGE.total_seconds()), path="/app/login",
                        secure=current_wiring().config.session_cookie_secure, httponly=True,
                        samesite="Lax")
