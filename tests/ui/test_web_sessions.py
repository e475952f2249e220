"""Sessions kept on the server: sign-out ends every copy of the cookie, an administrator
signs a user out everywhere, and no session outlives its absolute lifetime."""

from __future__ import annotations

from tests.support.builders import new_practice
from tests.support.web import new_user, post, sign_in, signed_in_client


def test_the_cookie_holds_a_random_session_token_and_no_user_id(app, client):
    practice_id, _ = new_practice(app)
    user = new_user(app, practice_id)
    assert sign_in(client, user.email).status_code == 302
    with client.session_transaction() as session:
        assert set(session) - {"_permanent"} == {"sid", "csrf"}
        assert str(user.id) not in repr(dict(session))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app):
    practice_id, _ = new_practice(app)
    admin = signed_in_client(app, practice_id, role="admin")
    copied = admin.get_cookie("coverwatch_session").value
    thief = app.test_client()
    thief.set_cookie("coverwatch_session", copied)
    assert thief.get("/app/users").status_code == 200  # the copy works while signed in
    post(admin, "/app/logout")
    refused = thief.get("/app/users")
    assert refused.status_code == 302 and refused.headers["Location"] == "/app/login"
    thief.set_cookie("coverwatch_session", copied)
    assert thief.get("/app/").status_code == 302


def test_an_administrator_signs_a_user_out_everywhere(app):
    practice_id, _ = new_practice(app)
    admin = signed_in_client(app, practice_id, role="admin")
    user = new_user(app, practice_id)
    desk, laptop = app.test_client(), app.test_client()
    for browser in (desk, laptop):
        assert sign_in(browser, user.email).status_code == 302
        assert browser.get("/app/").status_code == 200
    done = post(admin, f"/app/users/{user.id}/sign-out", follow_redirects=True)
    assert "Signed out everywhere (2 open sessions ended)." in done.text
    assert desk.get("/app/").status_code == laptop.get("/app/").status_code == 302
    assert admin.get("/app/users").status_code == 200  # the administrator's own goes on
    assert sign_in(desk, user.email).status_code == 302  # and the user may sign in again


def test_another_practice_cannot_sign_a_user_out(app):
    practice_id, _ = new_practice(app)
    other_practice, _ = new_practice(app, name="Elsewhere Therapy")
    user = new_user(app, practice_id)
    browser = app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    stranger = signed_in_client(app, other_practice, role="admin")
    assert post(stranger, f"/app/users/{user.id}/sign-out").status_code == 404
    assert browser.get("/app/").status_code == 200


def test_a_session_ends_at_its_absolute_lifetime_however_active(app, clock):
    practice_id, _ = new_practice(app)
    client = signed_in_client(app, practice_id)
    for _ in range(35):  # active every 20 minutes: 11 h 40 min
        clock.advance(minutes=20)
        assert client.get("/app/").status_code == 200
    clock.advance(minutes=21)
    ended = client.get("/app/")
    assert ended.status_code == 302 and ended.headers["Location"] == "/app/login"
    assert "Your session expired" in client.get("/app/login").text
