"""What a payer call ended with, as the column values of a stored eligibility check."""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any, Literal

from payers.base import EligibilityAnswer, Exchange, PayerError
from payers.x12.summary import summarize
from service.domain.eligibility import ERROR_MESSAGES, status_of

log = logging.getLogger("coverwatch.eligibility")


def error_values(code: str, now: datetime, detail: str | None = None) -> dict[str, Any]:
    message = ERROR_MESSAGES.get(code, "The check failed.")
    return {"status": "error", "error_code": code, "checked_at": now,
            "error_message": f"{message} {detail}" if detail else message}


def exchange_values(exchange: Exchange, routes_tried: tuple[str, ...]) -> dict[str, Any]:
    return {"route": exchange.route, "routes_tried": ",".join(routes_tried or (exchange.route,)),
            "request_raw": exchange.request or None, "response_raw": exchange.response,
            "http_status": exchange.http_status, "elapsed_ms": exchange.elapsed_ms}


def outcome_values(
    outcome: EligibilityAnswer | PayerError | None, *, network: Literal["in", "out"],
    now: datetime,
) -> dict[str, Any]:
    """Columns for an answer (summarised), a payer error, or None (a fault of ours)."""
    if isinstance(outcome, EligibilityAnswer):
        values = exchange_values(outcome.exchange, outcome.routes_tried)
        try:
            summary = summarize(outcome.response, network=network).to_json_dict()
        except Exception:
            log.exception("summarising a payer's reply failed")
            return {**values, **error_values("CHECK_FAILED", now)}
        status = status_of(summary)
        values.update(summary=summary, status=status, checked_at=now)
        if status == "error":
            values.update(error_values("ELIGIBILITY_UNDETERMINED", now))
        return values
    if isinstance(outcome, PayerError):
        values = exchange_values(outcome.exchange, outcome.routes_tried) if outcome.exchange \
            else {"routes_tried": ",".join(outcome.routes_tried)}
        values["reached_payer"] = outcome.reached_payer
        # A payer that throttled us said when to come back (Retry-After): pass it on.
        wait = outcome.retry_after_s
        detail = f"The payer asked to wait {math.ceil(wait)} seconds." if wait else None
        return {**values, **error_values(outcome.code.value, now, detail)}
    return error_values("CHECK_FAILED", now)


def earlier_failures(outcome: EligibilityAnswer | PayerError | None) -> tuple[PayerError, ...]:
    """Routes that failed before another answered (failover): each is stored on its own."""
    if isinstance(outcome, EligibilityAnswer | PayerError):
        return outcome.earlier_failures
    return ()
