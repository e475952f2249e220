"""Parallel sign-in attempts are all counted: by the account's failure counter and by the
address throttle (one statement that adds in the database, never a read written back)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from service.db.models import StaffUser
from service.domain.staff import PAIR_ATTEMPTS
from service.practice import signin
from tests.support.builders import new_practice
from tests.support.web import audit_actions, from_address, new_user, quick_hash, token

PARALLEL = 30


def test_thirty_parallel_wrong_passwords_are_all_counted(app):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    wiring = app.extensions["coverwatch"]
    gate = threading.Barrier(PARALLEL)

    def guess(n: int) -> signin.SignIn:
        gate.wait()
        # Each from its own address, so that only the account's counter is at stake.
        return signin.sign_in(uow=wiring.uow(), clock=wiring.clock, secret="test", attempt=(
            signin.Attempt(email=user.email, password=f"wrong password {n}",
                           address=f"198.51.100.{n + 1}")))

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(guess, range(PARALLEL)))

    assert all(r.staff is None and r.retry_after is None for r in results)
    with wiring.uow() as uow:
        assert uow.session.get_one(StaffUser, user.id).failed_logins == PARALLEL
    assert [a for a, _ in audit_actions(app, user.id)] == ["sign_in_failed"] * PARALLEL


def test_thirty_parallel_attempts_from_one_address_get_five_looks_at_the_password(app):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    gate = threading.Barrier(PARALLEL)

    def guess(n: int) -> int:
        client = from_address(app.test_client(), "203.0.113.77")
        form = {"email": user.email, "password": f"wrong password {n}",
                "csrf_token": token(client)}
        gate.wait()
        return client.post("/app/login", data=form).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = sorted(pool.map(guess, range(PARALLEL)))

    assert answers == [401] * PAIR_ATTEMPTS + [429] * (PARALLEL - PAIR_ATTEMPTS)
    with app.extensions["coverwatch"].uow() as uow:
        assert uow.session.get_one(StaffUser, user.id).failed_logins == PAIR_ATTEMPTS
