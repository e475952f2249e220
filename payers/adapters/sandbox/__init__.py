"""The sandbox route: an embedded simulated payer for demos, development and tests.

The check builds a real 270 (build_270), hands it in-process to the simulated payer
(payer.py), which reads it with the codec's envelope reader and answers real
271 text; the reply is then decoded and verified like any payer's. Answers are chosen by
the patient's member id (2100C NM109; ids are compared upper-case):

| member id    | answer |
|--------------|--------|
| any other id | the active plan below |
| ZZT0000001   | the active plan below (a fixed id for demos) |
| ZZT0000002   | active, plus a visit limit: 20 visits per calendar year, 8 remaining |
| ZZT0000003   | active, authorization required for therapy (EB11 Y and a MSG line) |
| ZZT0000004   | active, mental health carved out to the `sandbox-bho` route (see below) |
| ZZT0000005   | inactive (EB*6); the plan ended on 31 December of the previous year |
| ZZT0000023   | as ZZT0000002 (per calendar year), in a plan year from 1 July to 30 June |
| ZZT0000357   | active; the member's eligibility ends (DTP 357) with the plan on 31 Dec |
| ZZT0000042   | AAA 42 at the payer level (2100A): unable to respond now, resubmit later |
| ZZT0000072   | AAA 72 in 2100C: invalid/missing member id |
| ZZT0000073   | AAA 73 in 2100C: invalid/missing name |
| ZZT0000075   | AAA 75 in 2100C: subscriber/insured not found |
| ZZT0000500   | fault: payer down (connection refused) -> PAYER_UNAVAILABLE |
| ZZT0000502   | fault: HTTP 500 -> PAYER_UNAVAILABLE (the 270 may have arrived) |
| ZZT0000504   | fault: no answer within the route's timeout -> PAYER_TIMEOUT |
| ZZT0000991   | fault: a reply that is not X12 -> PAYER_RESPONSE_INVALID |
| ZZT0000992   | fault: a 271 for another trace number -> PAYER_RESPONSE_INVALID |
| ZZT0000993   | fault: CORE ErrorCode other than Success -> PAYER_ENVELOPE_ERROR |

The active plan: "SANDBOX PPO", service types MH/A6/CF. In network: copay $25,
coinsurance 10%, deductible $500 ($125.50 remaining), out-of-pocket maximum $3,000 ($2,200
remaining). Out of network: copay $50, coinsurance 40%, deductible $1,500 and out-of-pocket
$6,000 (nothing met). No authorization required (EB11 N).

The carve-out (ZZT0000004): EB*U on MH/A6/CF/A8/AI with a 2120 loop naming SANDBOX
BEHAVIORAL HEALTH, payer id SANDBOXBHO, phone 8005550142; the `sandbox-bho` entry has that
payer id, so the service can chain. Asked of SANDBOXBHO, the same member id gets the active
plan.

Plan dates (DTP 346/347) are the calendar year of the 270's date unless said above; the
group number is SBX-GROUP-100.
``sandbox_latency_ms`` in the directory adds a fixed delay to every answer (a delay at or
beyond the route's timeout ends in PAYER_TIMEOUT). ``python -m payers.adapters.sandbox serve
--port N`` serves the same payer over HTTP as a CORE SOAP and MIME endpoint (server.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from payers.adapters.sandbox.payer import Fault, Outcome, simulate
from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.inquiry import build_request, read_reply
from payers.verify import verify


class SandboxAdapter:
    """The in-process simulated payer behind the adapter protocol."""

    def __init__(self, *, entry: PayerEntry, sleep: Callable[[float], None] = time.sleep,
                 simulator: Callable[[str], Outcome] = simulate) -> None:
        self.route = entry.id
        self.entry = entry
        self.sleep = sleep
        self.simulator = simulator

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        x270 = build_request(self.entry, query)
        started = time.monotonic()
        timeout = self.entry.timeout_s
        latency = (self.entry.sandbox_latency_ms or 0) / 1000
        self.sleep(min(latency, timeout))
        outcome = self.simulator(x270)
        if latency >= timeout or outcome.fault is Fault.NO_ANSWER:
            self.sleep(max(0.0, timeout - latency))
            raise self._error(PayerErrorCode.TIMEOUT, f"no reply within the route's "
                              f"{timeout:g} s timeout", True, x270, started)
        if outcome.fault is Fault.DOWN:
            raise self._error(PayerErrorCode.UNAVAILABLE, "the payer refused the connection",
                              False, x270, started)
        if outcome.fault is Fault.SERVER_ERROR:
            raise self._error(PayerErrorCode.UNAVAILABLE, "the payer failed (HTTP 500)", True,
                              x270, started, status=500)
        if outcome.fault is Fault.ENVELOPE_ERROR:
            raise self._error(PayerErrorCode.ENVELOPE_ERROR, "the payer answered CORE "
                              "ErrorCode VersionMismatch", False, x270, started)
        exchange = Exchange(route=self.route, request=x270, response=outcome.x271,
                            elapsed_ms=(time.monotonic() - started) * 1000)
        try:
            answer = read_reply(outcome.x271 or "", route=self.route,
                                trace_number=query.inquiry.trace_number)
            verify(query, answer, route=self.route)
        except PayerError as err:
            err.exchange = exchange
            raise
        return EligibilityAnswer(exchange=exchange, response=answer, routes_tried=(self.route,))

    def _error(self, code: PayerErrorCode, message: str, reached: bool, x270: str,
               started: float, *, status: int | None = None) -> PayerError:
        exchange = Exchange(route=self.route, request=x270, http_status=status,
                            elapsed_ms=(time.monotonic() - started) * 1000)
        return PayerError(code, message, route=self.route, reached_payer=reached,
                          exchange=exchange)
