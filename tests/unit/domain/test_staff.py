"""Rules of staff accounts: an email's length is checked before any pattern, and the pattern
never backtracks over a long input."""

from __future__ import annotations

import time

import pytest

from service.domain.staff import MAX_EMAIL, account_problems, email_problem, may_attempt

HOSTILE = ("a@" + "." * 40_000 + "@", "a@" + "a." * 20_000 + "@", "a@" + "a" * 40_000 + ". ")


@pytest.mark.parametrize("email", HOSTILE)
def test_a_40_kb_email_is_refused_for_its_length_at_once(email):
    started = time.perf_counter()
    problems = account_problems(email=email, role="admin", password="a" * 12)
    assert time.perf_counter() - started < 0.05
    assert problems == {"email": [f"Use at most {MAX_EMAIL} characters."]}


@pytest.mark.parametrize("email", [h[:MAX_EMAIL] for h in HOSTILE])
def test_the_pattern_answers_fast_just_under_the_length_limit(email):
    started = time.perf_counter()
    assert email_problem(email) is not None
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize("email", ["desk@clinic.example", " Desk@Clinic.Example ",
                                   "a.b+c@mail.practice.example"])
def test_ordinary_emails_are_taken(email):
    assert email_problem(email) is None


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a@b..c", "a b@c.d", "@c.d",
                                   "x" * 65 + "@clinic.example", "a@.b", "a@b.c."])
def test_malformed_emails_are_refused(email):
    assert email_problem(email) == "Enter an email address such as name@practice.example."


def test_a_sign_in_longer_than_any_account_could_have_is_not_worth_a_look():
    assert may_attempt(email="desk@clinic.example", password="p" * 128)
    assert not may_attempt(email="a" * 255, password="p" * 12)
    assert not may_attempt(email="desk@clinic.example", password="p" * 129)
