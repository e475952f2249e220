"""Signing in and out of the web app: lockout, idle expiry, CSRF, cookie flags and roles."""

from __future__ import annotations

import time

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.web import (
    PASSWORD,
    from_address,
    lock_out,
    new_user,
    post,
    quick_hash,
    sign_in,
    signed_in_client,
)


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(client):
    assert client.get("/").headers["Location"] == "/app/schedule"
    assert client.get("/app/schedule").headers["Location"] == "/app/login"
    assert client.get("/app/").headers["Location"] == "/app/login"
    page = client.get("/app/login")
    assert page.status_code == 200 and 'for="email"' in page.text and 'for="password"' in page.text


def test_the_right_password_signs_in_and_the_wrong_one_says_so(app, client):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    wrong = sign_in(client, user.email, "not the password at all")
    assert wrong.status_code == 401 and "The email or password is not right." in wrong.text
    unknown = sign_in(client, "nobody@clinic.example")
    assert unknown.status_code == 401 and "The email or password is not right." in unknown.text
    right = sign_in(client, user.email.upper())
    assert right.status_code == 302 and right.headers["Location"] == "/app/schedule"
    assert "Find a client by name" in client.get("/app/").text  # Clients, from the nav


def test_five_wrong_passwords_hold_back_that_address_not_the_account(app, client, clock):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    from_address(client, "203.0.113.5")
    answers = [sign_in(client, user.email, f"wrong password {n}").status_code for n in range(5)]
    assert answers == [401, 401, 401, 401, 401]
    held = sign_in(client, user.email)  # the right password, from the guessing address
    assert held.status_code == 429 and held.headers["Retry-After"] == "900"
    assert "Too many failed sign-ins from this address" in held.text
    elsewhere = from_address(app.test_client(), "192.0.2.44")
    assert sign_in(elsewhere, user.email).status_code == 302
    clock.advance(minutes=14)
    assert sign_in(client, user.email).status_code == 429
    clock.advance(minutes=2)
    assert sign_in(client, user.email).status_code == 302


def test_an_administrator_can_unlock_a_locked_account(app, clock):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    quick_hash(app, user.id)
    admin = signed_in_client(app, practice_id, role="admin")
    lock_out(app, user.email)
    other = from_address(app.test_client(), "192.0.2.80")
    assert sign_in(other, user.email).status_code == 401
    assert "Locked until" in admin.get("/app/users").text
    post(admin, f"/app/users/{user.id}/unlock")
    assert sign_in(other, user.email).status_code == 302


def test_a_session_idle_longer_than_the_limit_expires(app, clock):
    practice_id, _ = new_practice(app)
    client = signed_in_client(app, practice_id)
    clock.advance(minutes=20)
    assert client.get("/app/").status_code == 200  # activity keeps the session alive
    clock.advance(minutes=20)
    assert client.get("/app/").status_code == 200
    clock.advance(minutes=31)
    expired = client.get("/app/")
    assert expired.status_code == 302 and expired.headers["Location"] == "/app/login"
    assert "Your session expired" in client.get("/app/login").text
    assert client.get("/app/").status_code == 302  # and it stays signed out


def test_signing_out_ends_the_session(app):
    practice_id, _ = new_practice(app)
    client = signed_in_client(app, practice_id)
    assert post(client, "/app/logout").headers["Location"] == "/app/login"
    assert client.get("/app/").headers["Location"] == "/app/login"


def test_the_session_cookie_is_secure_httponly_and_samesite_lax(app, client):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    cookies = sorted(sign_in(client, user.email).headers.getlist("Set-Cookie"))
    assert [c.partition("=")[0] for c in cookies] == ["coverwatch_device", "coverwatch_session"]
    for cookie in cookies:
        for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
            assert flag in cookie
    assert "Path=/app/login" in cookies[0]


def test_forms_without_the_csrf_token_are_refused(app):
    practice_id, key = new_practice(app)
    user = new_user(app, practice_id)
    client = app.test_client()
    assert client.post("/app/login", data={"email": user.email,
                                           "password": PASSWORD}).status_code == 400
    signed = signed_in_client(app, practice_id)
    form = {**PEOPLE[1].patient_json(), "payer": "sandbox", "member_id": "ZZT0000001",
            "relationship": "self"}
    missing = signed.post("/app/intake", data=form)
    forged = signed.post("/app/intake", data={**form, "csrf_token": "forged"})
    assert missing.status_code == forged.status_code == 400
    assert "This form has expired or did not come from this site" in missing.text
    found = signed.application.test_client().get(
        "/v1/patients", query_string={"q": PEOPLE[1].last_name}, headers=bearer(key))
    assert found.json["total"] == 0


def test_the_json_api_takes_no_csrf_token_and_sets_no_cookie(app, client):
    _, key = new_practice(app)
    created = client.post("/v1/patients", json=PEOPLE[2].patient_json(), headers=bearer(key))
    assert created.status_code == 201 and "Set-Cookie" not in created.headers
    assert client.post("/v1/patients", json=PEOPLE[2].patient_json()).status_code == 401


def test_front_desk_staff_cannot_manage_users_or_read_raw_x12(app):
    practice_id, key = new_practice(app)
    front_desk = signed_in_client(app, practice_id, role="front_desk")
    billing = signed_in_client(app, practice_id, role="billing")
    admin = signed_in_client(app, practice_id, role="admin")
    assert front_desk.get("/app/users").status_code == 403
    refused = post(front_desk, "/app/users", {"email": "new@clinic.example",
                                              "role": "admin", "password": PASSWORD})
    assert refused.status_code == 403 and "Your role does not allow this" in refused.text
    assert billing.get("/app/users").status_code == 403
    assert "Users</a>" not in front_desk.get("/app/").text
    created = post(admin, "/app/users", {"email": "new@clinic.example", "role": "billing",
                                         "password": PASSWORD})
    assert created.status_code == 302
    assert sign_in(app.test_client(), "new@clinic.example").status_code == 302

    patient = create_patient(front_desk.application.test_client(), key, PEOPLE[0])
    coverage = create_coverage(front_desk.application.test_client(), key, patient["id"])
    checked = post(front_desk, f"/app/coverages/{coverage['id']}/check")
    card_path = checked.headers["Location"]
    assert "ISA*" not in front_desk.get(card_path).text
    assert "Raw X12" not in billing.get(card_path).text
    admin_card = admin.get(card_path).text
    assert "Raw X12" in admin_card and "ISA*" in admin_card


def test_a_new_account_needs_a_valid_email_role_and_a_long_password(app):
    practice_id, _ = new_practice(app)
    admin = signed_in_client(app, practice_id, role="admin")
    refused = post(admin, "/app/users", {"email": "not-an-email", "role": "owner",
                                         "password": "short"})
    assert refused.status_code == 422
    for message in ("Enter an email address", "Choose one of", "Use 12 to 128 characters"):
        assert message in refused.text


def test_a_40_kb_email_in_the_users_form_is_answered_fast_with_a_field_error(app):
    practice_id, _ = new_practice(app)
    admin = signed_in_client(app, practice_id, role="admin")
    hostile = "a@" + "." * 40_000 + "@"  # took seconds of backtracking in the old pattern
    started = time.perf_counter()
    refused = post(admin, "/app/users", {"email": hostile, "role": "billing",
                                         "password": PASSWORD})
    assert time.perf_counter() - started < 1.0
    assert refused.status_code == 422 and "Use at most 254 characters." in refused.text
    assert hostile not in refused.text


def test_a_40_kb_email_at_sign_in_is_the_usual_wrong_answer(app, client):
    hostile = "a@" + "." * 40_000 + "@"
    started = time.perf_counter()
    refused = sign_in(client, hostile)
    assert time.perf_counter() - started < 1.0
    assert refused.status_code == 401 and "The email or password is not right." in refused.text
