"""When the nightly job asks a payer again: by AAA follow-up code and by the kind of failure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from service.domain.eligibility import ANSWERED

# CAQH CORE: an inquiry that may have reached the payer is not sent again sooner than this.
MIN_GAP = timedelta(seconds=90)
DEFAULT_MAX_ATTEMPTS = 3
# Failures of the connection or the payer's system, which clear by themselves.
TRANSIENT_ERRORS = frozenset({
    "PAYER_TIMEOUT", "PAYER_UNAVAILABLE", "PAYER_BUSY", "PAYER_CIRCUIT_OPEN",
    "PAYER_RESEND_TOO_SOON",
})
RETRY_FOLLOW_UPS = frozenset({"R", "P"})  # resubmission allowed / resubmit the original
NEVER_FOLLOW_UPS = frozenset({"C", "N"})  # correct the data first / resubmission not allowed
LATER_FOLLOW_UPS = frozenset({"W", "X"})  # wait 30 / 10 days: the next run asks again

Action = Literal["done", "retry", "defer"]


@dataclass(frozen=True)
class Decision:
    action: Action
    at: datetime | None = None  # when to try again (retry only)
    why: str = ""


def decide(
    *, status: str, error_code: str | None, follow_ups: Iterable[str], attempts: int,
    last_tried_at: datetime, max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Decision:
    """What to do after attempt number `attempts` (1-based) ended with `status`.

    Never-retry codes win over wait codes, and both over retry codes: a payer that says both
    "correct and resubmit" and "resubmit" about one inquiry gets no automatic resend.
    """
    if status in ANSWERED:
        return Decision("done", why="answered")
    codes = {c.strip().upper() for c in follow_ups}
    if status == "rejected":
        if codes & NEVER_FOLLOW_UPS:
            return Decision("done", why="the payer asks for corrected data, not a resend")
        if codes & LATER_FOLLOW_UPS:
            return Decision("defer", why="the payer asks to wait days before asking again")
        if not codes & RETRY_FOLLOW_UPS:
            return Decision("done", why="the payer's follow-up code does not allow a resend")
    elif error_code not in TRANSIENT_ERRORS:
        return Decision("done", why="the failure will not clear by itself")
    if attempts >= max_attempts:
        return Decision("done", why=f"still failing after {attempts} attempts")
    return Decision("retry", at=last_tried_at + backoff(attempts), why="transient")


def backoff(attempts: int) -> timedelta:
    """90 s after the first try, then doubling: 90 s, 180 s, 360 s, ..."""
    return MIN_GAP * (2 ** max(0, attempts - 1))
