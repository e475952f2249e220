"""Sign-in under attack: one answer for every refusal, throttles that never lock out the real
user, account locks only from guessing spread over many addresses, and the audit trail."""

from __future__ import annotations

import re

from sqlalchemy import select

from service.db.models import SigninThrottle
from service.domain.staff import ACCOUNT_FAILURES, ADDRESS_FAILURES, PAIR_ATTEMPTS
from tests.support.builders import new_practice
from tests.support.web import (
    PASSWORD,
    audit_actions,
    from_address,
    lock_out,
    new_user,
    post,
    quick_hash,
    sign_in,
    signed_in_client,
)


def _answer(response, email: str) -> tuple[int, str]:
    return response.status_code, response.text.replace(email, "EMAIL")


def test_an_unknown_email_a_locked_account_and_a_wrong_password_get_the_same_answer(app):
    practice_id, _ = new_practice(app)
    locked, other = new_user(app, practice_id), new_user(app, practice_id)
    quick_hash(app, locked.id)
    lock_out(app, locked.email)
    # One browser asks about all three, so the page's CSRF token is the same in each.
    client = from_address(app.test_client(), "192.0.2.10")
    wrong = _answer(sign_in(client, other.email, "not the password at all"), other.email)
    unknown = _answer(sign_in(client, "nobody@clinic.example"), "nobody@clinic.example")
    refused = _answer(sign_in(client, locked.email), locked.email)  # the right password
    assert wrong[0] == 401 and "The email or password is not right." in wrong[1]
    assert wrong == unknown == refused
    assert "locked" not in refused[1]


def test_guessing_from_one_address_never_keeps_the_real_user_out(app, clock):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    attacker = from_address(app.test_client(), "203.0.113.66")
    answers = [sign_in(attacker, user.email, f"guess {n}").status_code for n in range(30)]
    assert answers == [401] * PAIR_ATTEMPTS + [429] * (30 - PAIR_ATTEMPTS)
    # The real user, at their own address, signs in while the attacker is held back.
    real = from_address(app.test_client(), "192.0.2.20")
    assert sign_in(real, user.email).status_code == 302
    # Other accounts tried from the attacker's address count towards its own limit only.
    answers = [sign_in(attacker, f"n{n}@clinic.example", "guess").status_code
               for n in range(ADDRESS_FAILURES)]
    assert answers[-1] == 429
    assert sign_in(from_address(app.test_client(), "192.0.2.21"), user.email).status_code == 302
    clock.advance(minutes=16)
    assert sign_in(attacker, user.email).status_code == 302  # the window has passed


def test_guessing_from_many_addresses_locks_the_account_but_not_a_browser_it_used(app):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    usual = from_address(app.test_client(), "192.0.2.30")
    assert sign_in(usual, user.email).status_code == 302
    post(usual, "/app/logout")
    lock_out(app, user.email)
    stranger = from_address(app.test_client(), "192.0.2.31")
    assert sign_in(stranger, user.email).status_code == 401
    # The browser that signed in before holds a signed cookie for this account: let through.
    assert sign_in(usual, user.email).status_code == 302
    forged = from_address(app.test_client(), "192.0.2.32")
    forged.set_cookie("coverwatch_device", "forged", path="/app/login")
    assert sign_in(forged, user.email).status_code == 401


def test_sign_ins_failures_lockouts_and_unlocks_are_audited_by_account_id(app):
    practice_id, key = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    admin = signed_in_client(app, practice_id, role="admin")
    assert sign_in(from_address(app.test_client(), "192.0.2.41"), user.email).status_code == 302
    lock_out(app, user.email)
    stranger = from_address(app.test_client(), "192.0.2.40")
    for n in range(PAIR_ATTEMPTS + 2):
        sign_in(stranger, user.email, f"wrong password {n}")
    post(admin, f"/app/users/{user.id}/unlock")

    actions = audit_actions(app, user.id)
    assert actions[0] == ("sign_in", f"user:{user.id}")
    failed = [a for a in actions if a[0] == "sign_in_failed"]
    assert len(failed) == ACCOUNT_FAILURES and failed[0][1] == "visitor:198.51.100.1"
    assert actions.count(("locked", f"visitor:198.51.100.{ACCOUNT_FAILURES // PAIR_ATTEMPTS}"))
    assert actions.count(("sign_in_locked", "visitor:192.0.2.40")) == PAIR_ATTEMPTS
    assert actions.count(("throttled", "visitor:192.0.2.40")) == 1
    assert actions[-1][0] == "unlock" and actions[-1][1].startswith("user:")
    # The API's audit log lists them; no typed email or password is in any row.
    listed = app.test_client().get("/v1/audit-events", query_string={"page_size": 100},
                                   headers={"Authorization": f"Bearer {key}"}).json["items"]
    text = repr(listed)
    assert user.email not in text and PASSWORD not in text and "wrong password" not in text
    assert {"sign_in", "sign_in_failed", "locked", "unlock"} <= {e["action"] for e in listed}


def test_an_unknown_email_leaves_no_audit_row_and_no_trace_of_itself(app):
    practice_id, key = new_practice(app)
    client = from_address(app.test_client(), "192.0.2.50")
    for _ in range(PAIR_ATTEMPTS + 1):
        sign_in(client, "typo.of.someone@clinic.example", "a wrong password")
    listed = app.test_client().get("/v1/audit-events", headers={
        "Authorization": f"Bearer {key}"}).json
    assert [e["resource_type"] for e in listed["items"]] == ["api_key"]  # the key's creation
    with app.extensions["coverwatch"].uow() as uow:
        keys = uow.session.scalars(select(SigninThrottle.key)).all()
    assert keys and not any(re.search("typo|clinic", k) for k in keys)


def test_counts_of_a_window_that_has_passed_are_cleared_by_later_attempts(app, clock):
    guesser = from_address(app.test_client(), "192.0.2.60")
    sign_in(guesser, "nobody@clinic.example", "a wrong password")
    clock.advance(minutes=16)
    sign_in(from_address(app.test_client(), "192.0.2.61"), "nobody@clinic.example", "wrong")
    with app.extensions["coverwatch"].uow() as uow:
        keys = uow.session.scalars(select(SigninThrottle.key)).all()
    assert len(keys) == 2 and all(k.endswith("192.0.2.61") for k in keys)
