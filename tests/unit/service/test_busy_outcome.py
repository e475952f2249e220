"""A payer's request to wait (Retry-After) reaches the stored check's error message."""

from __future__ import annotations

from datetime import UTC, datetime

from payers.base import Exchange, PayerError, PayerErrorCode
from service.eligibility.outcome import outcome_values

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def _busy(retry_after_s: float | None) -> PayerError:
    err = PayerError(PayerErrorCode.BUSY, "the payer answered HTTP 429", route="stedi",
                     reached_payer=False,
                     exchange=Exchange(route="stedi", request="ISA...", http_status=429))
    err.retry_after_s = retry_after_s
    return err


def test_a_busy_payer_s_wait_is_told_in_the_error_message() -> None:
    values = outcome_values(_busy(119.2), network="in", now=NOW)

    assert values["error_code"] == "PAYER_BUSY"
    assert values["error_message"].endswith("The payer asked to wait 120 seconds.")
    assert (values["reached_payer"], values["http_status"]) == (False, 429)


def test_without_a_wait_the_message_is_the_plain_one() -> None:
    values = outcome_values(_busy(None), network="in", now=NOW)

    assert values["error_message"] == ("Too many inquiries to this payer are running; try "
                                       "again shortly.")
