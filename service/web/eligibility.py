"""Eligibility checks API: run a check, read one, list a coverage's history."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import abort, request, url_for

from schemas.eligibility import (
    CheckIn,
    CheckOut,
    CheckPage,
    CheckQuery,
    HistoryQuery,
    PreferIn,
)
from schemas.errors import ErrorSchema
from schemas.manual_verifications import ManualVerificationIn
from service.domain.eligibility import with_actions
from service.eligibility import CheckRequest, CheckResult, run_check
from service.eligibility import history as eligibility_history
from service.eligibility.phone import record_phone_answer
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import list_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("eligibility", __name__, url_prefix="/v1",
                   description="Live eligibility checks (X12 270/271) and their history.")


def view(check: Any, *, reused: bool = False, x12: bool = False) -> dict[str, Any]:
    """The stored check (as the use cases return it) as the API shows it; raw X12 only when
    asked for (admin)."""
    summary = check.summary
    body: dict[str, Any] = {
        name: getattr(check, name) for name in (
            "id", "coverage_id", "payer", "route", "status", "service_date", "provider_npi",
            "network_status", "started_at", "checked_at", "elapsed_ms", "summary",
            "carve_out_check_id", "carve_out_of_id", "question",
        )
    }
    body.update(
        reused=reused,
        routes_tried=[r for r in (check.routes_tried or "").split(",") if r],
        service_types=check.service_types.split(","),
        rejections=with_actions(summary["rejections"]) if summary else [],
        error=({"code": check.error_code, "message": check.error_message}
               if check.error_code else None),
        # A check made in this process before it was stored has no source yet: the payer's.
        source=check.source or "payer",
        phone_call=check.phone_call,
    )
    if x12:
        body["x12"] = {"request": check.request_raw, "response": check.response_raw}
    return body


RETRY_AFTER = {"Retry-After": {"description": "Whole seconds to wait",
                               "schema": {"type": "integer"}}}


def wants_async() -> bool:
    """RFC 7240: `Prefer: respond-async` (among other preferences, any case)."""
    return any(part.split("=")[0].strip().lower() == "respond-async"
               for value in request.headers.getlist("Prefer")
               for part in value.replace(";", ",").split(","))


def live_check(data: dict[str, Any], *, asynchronous: bool = False) -> CheckResult:
    """A live check as POST /v1/eligibility-checks runs it (the FHIR $submit too), from
    CheckIn's fields: rate-limited, reusing a recent answer unless forced."""
    wiring, caller = current_wiring(), current_caller()
    check_request = CheckRequest(
        coverage_id=data["coverage_id"],
        service_types=tuple(data["service_types"]) if data.get("service_types") else None,
        service_date=data.get("service_date"), provider_npi=data.get("provider_npi"),
        force=data["force"],
    )
    return run_check(
        store=wiring.checks, clock=wiring.clock, registry=wiring.payers, caller=caller,
        request=check_request,
        reuse_window=timedelta(hours=wiring.config.eligibility_reuse_hours),
        limiter=wiring.check_limits,
        background=wiring.background.submit if asynchronous else None,
        watch=wiring.after_check(caller),
    )


@blp.route("/eligibility-checks", methods=["POST"])
@blp.doc(operationId="createEligibilityCheck")
@require("write")
@blp.arguments(CheckIn)
@blp.arguments(PreferIn, location="headers")
@blp.response(201, CheckOut, description="The payer was asked (or the attempt failed)")
@blp.alt_response(200, schema=CheckOut,
                  description="The payer was not asked again: a recent answer to the same "
                              "question was reused, or the same question was already at the "
                              "payer and this is its outcome")
@blp.alt_response(202, schema=CheckOut,
                  description="With Prefer: respond-async (or when the same question is "
                              "still at the payer past the wait): the check, pending; poll "
                              "Location until its status is no longer pending",
                  headers={"Location": {"description": "/v1/eligibility-checks/{id}",
                                        "schema": {"type": "string"}},
                           "Preference-Applied": {"description": "respond-async, when asked",
                                                  "schema": {"type": "string"}}})
@blp.alt_response(409, schema=ErrorSchema,
                  description="An inquiry that may have reached the payer began less than 90 "
                              "seconds ago (errors.reason PAYER_RESEND_TOO_SOON, "
                              "errors.retry_after_s); nothing was stored or sent",
                  headers=RETRY_AFTER)
@blp.alt_response(429, schema=ErrorSchema,
                  description="The practice started too many live checks (errors.reason "
                              "CHECK_RATE_LIMITED); nothing was stored or sent",
                  headers=RETRY_AFTER)
def create_check(data: dict[str, Any], _prefer: dict[str, Any]) -> Any:
    """Check a coverage's eligibility with its payer now, or reuse a recent answer.

    A synchronous call blocks while the payer is asked: at most, per route of the payer's
    failover chain, twice its timeout_s (a wait for a free slot, then the call), plus 5 s
    when it waits for the same question already at the payer. `Prefer: respond-async`
    answers 202 at once instead."""
    asynchronous = wants_async()
    result = live_check(data, asynchronous=asynchronous)
    body = view(result.check, reused=result.reused)
    if result.check.status == "pending":
        headers = {"Location": url_for("eligibility.get_check", check_id=result.check.id)}
        if asynchronous:
            headers["Preference-Applied"] = "respond-async"
        return body, 202, headers
    return body, 200 if result.reused else 201


@blp.route("/coverages/<uuid:coverage_id>/manual-verifications", methods=["POST"])
@blp.doc(operationId="createManualVerification")
@require("write")
@blp.arguments(ManualVerificationIn)
@blp.response(201, CheckOut, description="The call, stored as the coverage's answer of its "
                                         "time (source phone)",
              headers={"Location": {"description": "/v1/eligibility-checks/{id}",
                                    "schema": {"type": "string"}}})
def create_manual_verification(data: dict[str, Any], coverage_id: uuid.UUID) -> Any:
    """Record what the payer said on the phone: an eligibility answer with `source: phone`.

    Verdicts and estimates use it like any answer of its age (`verified_at`), as long as the
    coverage's member id, payer and people are what they were when it was recorded. It is
    never sent to a payer, and a live check never reuses it. The coverage's visits ahead are
    judged again. Read it back, with the payer's answers, from the coverage's
    eligibility-checks."""
    wiring = current_wiring()
    check = record_phone_answer(uow=wiring.uow, clock=wiring.clock, registry=wiring.payers,
                                caller=current_caller(), coverage_id=coverage_id, data=data)
    return view(check), 201, {"Location": url_for("eligibility.get_check", check_id=check.id)}


@blp.route("/eligibility-checks/<uuid:check_id>", methods=["GET"])
@blp.doc(operationId="getEligibilityCheck")
@require("read")
@blp.arguments(CheckQuery, location="query")
@blp.response(200, CheckOut)
def get_check(args: dict[str, Any], check_id: uuid.UUID) -> Any:
    """Read one check; include=x12 adds the raw 270 and 271 (admin scope)."""
    wiring = current_wiring()
    caller = current_caller()
    want_x12 = args.get("include") == "x12"
    if want_x12 and "admin" not in caller.scopes:
        abort(403)
    check = eligibility_history.get_check(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                          check_id=check_id)
    return view(check, x12=want_x12)


@blp.route("/coverages/<uuid:coverage_id>/eligibility-checks", methods=["GET"])
@blp.doc(operationId="listCoverageEligibilityChecks")
@require("read")
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, CheckPage)
def list_checks(args: dict[str, Any], coverage_id: uuid.UUID) -> Any:
    """Every check of a coverage, newest first, by page number or by cursor; with
    updated_since, in the order their outcomes were stored."""
    if args["slice"] is not None:
        body = list_page("checks", args, ("coverage", coverage_id))
        body["items"] = [view(check) for check in body["items"]]
        return body
    wiring = current_wiring()
    offset, limit = page_window(args)
    rows, total = eligibility_history.coverage_history(
        uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), coverage_id=coverage_id,
        offset=offset, limit=limit,
    )
    return page(args, [view(c) for c in rows], total)
