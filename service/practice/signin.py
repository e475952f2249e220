"""Signing in to the web app: throttling, the password check, lockout and their audit rows.

Every refusal that depends on the account (unknown, locked, wrong password) is the same
`SignIn(None)` after the same work (one password hash), so neither the answer nor its time
tells which emails are accounts. Throttling is keyed by the client's address, alone and
with the typed email, and so is the same for accounts and non-accounts too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from werkzeug.security import check_password_hash, generate_password_hash

from service.db.models import StaffUser
from service.db.uow import UnitOfWork
from service.domain import staff as rules
from service.practice import audit
from service.practice.access import Caller
from service.practice.staff import Staff, to_staff

log = logging.getLogger("coverwatch.signin")
# Checked when there is no password to compare with (no such account, or a locked one),
# so that every refusal costs one scrypt hash like a wrong password does.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None
    retry_after: int | None = None  # seconds, when this address must wait (throttled)


@dataclass(frozen=True, kw_only=True)
class Attempt:
    email: str
    password: str
    address: str
    # The account a signed cookie says this browser signed in to before: let through an
    # account lock that guessing from elsewhere caused.
    trusted_user: uuid.UUID | None = None
    request_id: str | None = None


def sign_in(*, uow: UnitOfWork, clock: Callable[[], datetime], secret: str,
            attempt: Attempt) -> SignIn:
    if not rules.may_attempt(email=attempt.email, password=attempt.password):
        return SignIn(None)
    email = rules.normalize_email(attempt.email)
    pair = _pair_key(secret, email, attempt.address)
    waited = _throttle(uow=uow, now=clock(), email=email, pair=pair, attempt=attempt)
    if waited is not None:
        return SignIn(None, retry_after=waited)
    with uow:
        row = uow.staff.by_email(email)
    if row is None:
        check_password_hash(_DUMMY_HASH, attempt.password)
        return SignIn(None)
    now = clock()
    if row.locked_until is not None and row.locked_until > now \
            and row.id != attempt.trusted_user:
        check_password_hash(_DUMMY_HASH, attempt.password)
        _record(uow, row, attempt, now, "sign_in_locked")
        return SignIn(None)
    if not check_password_hash(row.password_hash, attempt.password):
        _failed(uow=uow, row=row, attempt=attempt, now=clock())
        return SignIn(None)
    with uow:
        uow.signin.signed_in(row.id, now=now)
        # The address's row before the pair's, in the throttle's order: no deadlock.
        uow.signin.give_back(_address_key(attempt.address))
        uow.signin.forget(pair)
        _audit(uow, row, f"user:{row.id}", attempt, now, "sign_in")
        uow.commit()
    return SignIn(to_staff(row))


def _throttle(*, uow: UnitOfWork, now: datetime, email: str, pair: str,
              attempt: Attempt) -> int | None:
    """Count this attempt; seconds to wait when the address is over a limit, else None."""
    with uow:
        per_address, address_ends = uow.signin.hit(_address_key(attempt.address), now=now,
                                                   window=rules.THROTTLE_WINDOW)
        per_pair, pair_ends = uow.signin.hit(pair, now=now, window=rules.THROTTLE_WINDOW)
        over = [ends for hits, limit, ends in (
            (per_address, rules.ADDRESS_FAILURES, address_ends),
            (per_pair, rules.PAIR_ATTEMPTS, pair_ends)) if hits > limit]
        if over and per_pair == rules.PAIR_ATTEMPTS + 1:
            # The first refused attempt of a window: worth one audit row, if an account.
            row = uow.staff.by_email(email)
            if row is not None:
                _audit(uow, row, _visitor(attempt), attempt, now, "throttled")
        uow.commit()
    if not over:
        return None
    log.warning("sign-in throttled for a client address")
    return max(1, math.ceil((max(over) - now).total_seconds()))


def _failed(*, uow: UnitOfWork, row: StaffUser, attempt: Attempt, now: datetime) -> None:
    with uow:
        failures = uow.signin.count_failure(row.id)
        _audit(uow, row, _visitor(attempt), attempt, now, "sign_in_failed")
        if failures >= rules.ACCOUNT_FAILURES and uow.signin.lock(
                row.id, failures=rules.ACCOUNT_FAILURES, until=now + rules.LOCKOUT):
            _audit(uow, row, _visitor(attempt), attempt, now, "locked")
        uow.commit()


def _record(uow: UnitOfWork, row: StaffUser, attempt: Attempt, now: datetime,
            action: str) -> None:
    with uow:
        _audit(uow, row, _visitor(attempt), attempt, now, action)
        uow.commit()


def _audit(uow: UnitOfWork, row: StaffUser, actor: str, attempt: Attempt, now: datetime,
           action: str) -> None:
    # By the account's id, never the typed email or the password.
    caller = Caller(practice_id=row.practice_id, actor=actor, scopes=frozenset(),
                    request_id=attempt.request_id)
    audit.record(uow, caller=caller, clock=lambda: now, action=action,
                 resource_type="staff_user", resource_ids=[row.id])


def _visitor(attempt: Attempt) -> str:
    return f"visitor:{attempt.address}"[:80]


def _address_key(address: str) -> str:
    return f"a:{address}"[:128]


def _pair_key(secret: str, email: str, address: str) -> str:
    # A keyed hash: the table never holds a typed email (it may be no account's, or a typo).
    digest = hmac.new(secret.encode(), email.encode(), hashlib.sha256).hexdigest()[:40]
    return f"p:{digest}:{address}"[:128]
