"""The adapter protocol and the plain dataclasses it takes and returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from payers.x12.x270 import EligibilityInquiry, InformationReceiver
from payers.x12.x271 import Eligibility271


@dataclass(frozen=True, kw_only=True)
class EligibilityQuery:
    """One patient's eligibility question, independent of how a payer is reached.

    The route (payer id, envelope ids, credentials) comes from the payer directory; the
    caller gives the people, the trace number it expects echoed, and a control number that
    it has persisted so that it never repeats (used for ISA13, GS06 and ST02 alike).
    """

    inquiry: EligibilityInquiry
    receiver: InformationReceiver
    control_number: int
    submitted_at: datetime


@dataclass(frozen=True, kw_only=True)
class Origin:
    """Who asks and about what, as opaque keys the registry's fairness rules group by.

    ``tenant`` (e.g. a practice) and ``subject`` (e.g. a coverage) never reach a payer, and
    None means unknown. A ``batch`` caller brings caps and pacing of its own (a nightly
    run): it is held neither to the per-tenant share of a route nor to the thread bound.
    """

    tenant: str | None = None
    subject: str | None = None
    batch: bool = False


UNKNOWN_ORIGIN = Origin()


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """What went over the wire, kept verbatim for disputes with the payer."""

    route: str  # directory id of the route that was called
    request: str  # the 270 (or the JSON body a clearinghouse was sent)
    response: str | None = None  # the 271 (or JSON) exactly as received, when anything came
    http_status: int | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, kw_only=True)
class EligibilityAnswer:
    """A usable reply: the exchange and the decoded 271 (AAA rejections are data in it)."""

    exchange: Exchange
    response: Eligibility271
    routes_tried: tuple[str, ...] = ()  # every route called, in order; the last one answered
    # Why each earlier route in routes_tried gave no answer (failover), with its exchange.
    earlier_failures: tuple[PayerError, ...] = ()


class PayerErrorCode(StrEnum):
    """Why no usable answer came back. Stable codes: the API and the retry rules use them."""

    TIMEOUT = "PAYER_TIMEOUT"  # no reply within the route's timeout; the 270 may have arrived
    UNAVAILABLE = "PAYER_UNAVAILABLE"  # refused, reset, DNS, 5xx, 503 after retries
    RESPONSE_INVALID = "PAYER_RESPONSE_INVALID"  # garbage, not a 271, wrong trace or member
    ENVELOPE_ERROR = "PAYER_ENVELOPE_ERROR"  # CORE ErrorCode other than Success, 999/TA1 reject
    AUTH_FAILED = "PAYER_AUTH_FAILED"  # credentials refused (401/403, OAuth2 token refused)
    CIRCUIT_OPEN = "PAYER_CIRCUIT_OPEN"  # the route failed repeatedly; failing fast for a while
    # The route's concurrency cap stayed full for the whole timeout, or the payer answered
    # 429 (or 503 with Retry-After) and asked us to come back later (retry_after_s).
    BUSY = "PAYER_BUSY"
    NOT_CONFIGURED = "PAYER_NOT_CONFIGURED"  # unknown route or missing credentials
    REQUEST_INVALID = "PAYER_REQUEST_INVALID"  # the query cannot be written as a 270; unsent


class PayerError(Exception):
    """No usable answer. The message never carries patient data; `exchange` keeps the raw."""

    def __init__(
        self, code: PayerErrorCode, message: str, *, route: str, reached_payer: bool,
        exchange: Exchange | None = None, routes_tried: tuple[str, ...] = (),
        earlier_failures: tuple[PayerError, ...] = (),
    ) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message
        self.route = route
        # True when the 270 may have been delivered: CAQH CORE then forbids a resend
        # sooner than 90 seconds, so callers must wait before trying this inquiry again.
        self.reached_payer = reached_payer
        self.exchange = exchange
        self.routes_tried = routes_tried or (route,)
        # After failover: the errors of the routes tried before this one, in order.
        self.earlier_failures = earlier_failures
        # BUSY from a payer's 429/503: the seconds its Retry-After asked us to wait.
        self.retry_after_s: float | None = None


class EligibilityAdapter(Protocol):
    """One way of reaching one payer route. Implementations: sandbox, core-soap, core-mime,
    clearinghouse-json. Each call has a timeout; none retries a request that may have
    reached the payer."""

    route: str

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        """Send the inquiry and return the decoded reply, or raise PayerError."""
        ...
