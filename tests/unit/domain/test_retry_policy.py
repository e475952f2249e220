"""When the nightly job asks again: AAA follow-up codes, transient failures, backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.retry_policy import MIN_GAP, backoff, decide

AT = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def outcome(status="rejected", error_code=None, follow_ups=(), attempts=1, max_attempts=3):
    return decide(status=status, error_code=error_code, follow_ups=follow_ups,
                  attempts=attempts, last_tried_at=AT, max_attempts=max_attempts)


@pytest.mark.parametrize("status", ["active", "inactive"])
def test_an_answer_is_final(status):
    assert outcome(status=status).action == "done"


@pytest.mark.parametrize("code", ["R", "P", "r"])
def test_resubmission_codes_are_retried_no_sooner_than_90_seconds(code):
    decision = outcome(follow_ups=[code])
    assert decision.action == "retry" and decision.at == AT + timedelta(seconds=90)


@pytest.mark.parametrize("codes", [["C"], ["N"], ["R", "C"], ["P", "N", "W"]])
def test_correct_and_resubmit_or_not_allowed_is_never_retried(codes):
    assert outcome(follow_ups=codes).action == "done"


@pytest.mark.parametrize("codes", [["W"], ["X"], ["R", "X"]])
def test_wait_codes_go_to_the_next_run(codes):
    assert outcome(follow_ups=codes).action == "defer"


@pytest.mark.parametrize("codes", [["Y"], ["S"], []])
def test_other_follow_ups_are_not_resent(codes):
    assert outcome(follow_ups=codes).action == "done"


@pytest.mark.parametrize("code", ["PAYER_TIMEOUT", "PAYER_UNAVAILABLE", "PAYER_BUSY",
                                  "PAYER_CIRCUIT_OPEN", "PAYER_RESEND_TOO_SOON"])
def test_transient_failures_are_retried(code):
    assert outcome(status="error", error_code=code).action == "retry"


@pytest.mark.parametrize("code", ["PAYER_AUTH_FAILED", "PAYER_RESPONSE_INVALID",
                                  "PAYER_NOT_CONFIGURED", "CHECK_FAILED", None])
def test_failures_that_do_not_clear_by_themselves_are_final(code):
    assert outcome(status="error", error_code=code).action == "done"


def test_backoff_doubles_and_attempts_are_capped():
    assert [backoff(n) for n in (1, 2, 3)] == [MIN_GAP, MIN_GAP * 2, MIN_GAP * 4]
    assert outcome(follow_ups=["R"], attempts=2).at == AT + timedelta(seconds=180)
    assert outcome(follow_ups=["R"], attempts=3).action == "done"
    assert outcome(follow_ups=["R"], attempts=3, max_attempts=4).action == "retry"
