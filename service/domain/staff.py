"""Rules of staff accounts: roles and the scopes they carry, passwords, emails and lockout."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# front_desk and billing do the same work on different days; only admins read raw X12 and
# manage the practice's users (the API's "admin" scope).
ROLE_SCOPES = {
    "front_desk": frozenset({"read", "write"}),
    "billing": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "admin"}),
}
ROLES = tuple(ROLE_SCOPES)
ROLE_LABELS = {"front_desk": "Front desk", "billing": "Billing", "admin": "Administrator"}
MIN_PASSWORD, MAX_PASSWORD = 12, 128
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def scopes_for(role: str) -> frozenset[str]:
    return ROLE_SCOPES[role]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def account_problems(*, email: str, role: str, password: str) -> dict[str, list[str]]:
    """Field messages for a new account; empty when it may be created."""
    problems: dict[str, list[str]] = {}
    if not EMAIL_RE.match(normalize_email(email)) or len(email) > 254:
        problems["email"] = ["Enter an email address such as name@practice.example."]
    if role not in ROLE_SCOPES:
        problems["role"] = [f"Choose one of: {', '.join(ROLES)}."]
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems["password"] = [
            f"Use {MIN_PASSWORD} to {MAX_PASSWORD} characters; a few words make a good one."
        ]
    return problems


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failures: int, now: datetime) -> tuple[int, datetime | None]:
    """(failures, locked_until) after one more wrong password. Reaching the limit locks the
    account for LOCKOUT and starts the count again, so each lockout follows MAX_FAILURES."""
    failures += 1
    if failures >= MAX_FAILURES:
        return 0, now + LOCKOUT
    return failures, None
