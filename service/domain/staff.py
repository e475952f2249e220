"""Rules of staff accounts: roles and the scopes they carry, passwords, emails and throttling."""

from __future__ import annotations

import re
from datetime import timedelta

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
MAX_EMAIL = 254
# Sign-in attempts one address may make in THROTTLE_WINDOW: for one account, and over all.
# Keyed by address, so an attacker elsewhere never slows a real user down.
PAIR_ATTEMPTS, ADDRESS_FAILURES = 5, 20
THROTTLE_WINDOW = timedelta(minutes=15)
# Wrong passwords in a row, from any addresses, that lock the account for LOCKOUT. Only a
# guessing spread over many addresses gets this far; a browser that signed in to the account
# before is let through anyway, and an administrator can unlock it sooner.
ACCOUNT_FAILURES = 50
LOCKOUT = timedelta(minutes=15)
# Linear: the domain's labels cannot overlap, so a long input is never re-scanned.
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")


def scopes_for(role: str) -> frozenset[str]:
    return ROLE_SCOPES[role]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why an email cannot be an account's, or None. The length comes before the pattern."""
    if len(email) > MAX_EMAIL:
        return f"Use at most {MAX_EMAIL} characters."
    if not EMAIL_RE.fullmatch(normalize_email(email)):
        return "Enter an email address such as name@practice.example."
    return None


def account_problems(*, email: str, role: str, password: str) -> dict[str, list[str]]:
    """Field messages for a new account; empty when it may be created."""
    problems: dict[str, list[str]] = {}
    if (problem := email_problem(email)) is not None:
        problems["email"] = [problem]
    if role not in ROLE_SCOPES:
        problems["role"] = [f"Choose one of: {', '.join(ROLES)}."]
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems["password"] = [
            f"Use {MIN_PASSWORD} to {MAX_PASSWORD} characters; a few words make a good one."
        ]
    return problems


def may_attempt(*, email: str, password: str) -> bool:
    """Whether a sign-in is worth a look at all: nothing longer than any account's could be."""
    return len(email) <= MAX_EMAIL and len(password) <= MAX_PASSWORD
