"""Visits API: the ledger an EHR keeps in sync, verdicts before visits, and forecasts."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from schemas.errors import ErrorSchema
from schemas.ledger import (
    CheckVerdictOut,
    ForecastIn,
    ForecastOut,
    VisitHistory,
    VisitIn,
    VisitList,
    VisitOut,
    VisitPatch,
    VisitRange,
    VisitSpecIn,
    VisitStatusIn,
)
from service.domain.allocation import VisitSpec
from service.ledger import verdicts, visit_history, visits
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.etags import etag, if_match
from service.web.paging import list_page
from service.wiring import current_wiring

blp = ApiBlueprint("visits", __name__, url_prefix="/v1",
                   description="The visit ledger and verdicts: covered, at risk, not covered.")


@blp.route("/visits", methods=["POST"])
@blp.doc(operationId="createVisit")
@require("write")
@blp.arguments(VisitIn)
@blp.response(201, VisitOut, description="Visit recorded, with its verdict")
@blp.alt_response(200, schema=VisitOut,
                  description="A visit with this external_id existed and was updated")
@blp.alt_response(409, schema=ErrorSchema, description=(
    "errors.reason VISIT_OF_ANOTHER_PATIENT: the external_id is a visit of another patient "
    "(errors.visit_id names it), nothing changed; VISIT_DELETED: the external_id is a visit "
    "deleted as booked in error"))
def book(data: dict[str, Any]) -> Any:
    """Record a visit (or update the one with the same external_id); it draws from the
    authorization that fits it. An external_id belongs to one patient: the same one with a
    coverage of the same patient moves the visit there (kept in its history), with another
    patient's coverage it is refused."""
    wiring = current_wiring()
    visit, created = visits.book_visit(uow=wiring.uow, clock=wiring.clock,
                                       registry=wiring.payers, caller=current_caller(),
                                       data=data)
    return visit, 201 if created else 200, etag(visit)


@blp.route("/visits/check", methods=["POST"])
@blp.doc(operationId="checkVisit")
@require("read", stamped=True)
@blp.arguments(VisitSpecIn)
# Documented, not dumped: the use case returns the documented shape already (plain strings,
# numbers and lists), and a scheduler calls this for every slot it offers, so the schema's
# second pass over the verdict is skipped (the OpenAPI and schemathesis tests hold it to
# CheckVerdictOut).
@blp.alt_response(200, schema=CheckVerdictOut, success=True, description="OK")
def check(data: dict[str, Any]) -> Any:
    """Would this visit be covered? Reasons, the authorization it would draw from, and what
    the client would owe. Writes nothing."""
    wiring = current_wiring()
    spec = VisitSpec(date=data["date"], code=data["code"], minutes=data.get("minutes"),
                     provider_npi=data.get("provider_npi"))
    return verdicts.check_visit(inputs=wiring.verdict_inputs, clock=wiring.clock,
                                caller=current_caller(), coverage_id=data["coverage_id"],
                                visit=spec)


@blp.route("/visits/forecast", methods=["POST"])
@blp.doc(operationId="forecastVisits")
@require("read", stamped=True)
@blp.arguments(ForecastIn)
@blp.response(200, ForecastOut)
def forecast(data: dict[str, Any]) -> Any:
    """Simulate a recurring series: each visit's verdict, and the first not covered."""
    wiring = current_wiring()
    return verdicts.forecast(
        inputs=wiring.verdict_inputs, clock=wiring.clock, caller=current_caller(),
        coverage_id=data["coverage_id"], code=data["code"], first_date=data["first_date"],
        every_days=data["every_days"], count=data["count"], minutes=data.get("minutes"),
        provider_npi=data.get("provider_npi"),
    )


@blp.route("/visits/<uuid:visit_id>")
class VisitById(MethodView):
    @blp.doc(operationId="getVisit")
    @require("read")
    @blp.response(200, VisitOut)
    def get(self, visit_id: uuid.UUID) -> Any:
        """Read a visit and the verdict it got when last written."""
        wiring = current_wiring()
        visit = visits.get_visit(uow=wiring.uow(), clock=wiring.clock,
                                 caller=current_caller(), visit_id=visit_id)
        return visit, 200, etag(visit)


    @blp.doc(operationId="updateVisit")
    @require("write")
    @blp.arguments(VisitPatch(partial=True))
    @blp.response(200, VisitOut)
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "errors.reason VISIT_OF_ANOTHER_PATIENT: coverage_id is another patient's"))
    def patch(self, data: dict[str, Any], visit_id: uuid.UUID) -> Any:
        """Change a visit's date, code, minutes, provider or coverage (another of the same
        patient's). It is allocated again: its authorization units and verdict follow."""
        wiring = current_wiring()
        visit = visits.update_visit(uow=wiring.uow, clock=wiring.clock,
                                    registry=wiring.payers, caller=current_caller(),
                                    visit_id=visit_id, data=data, if_match=if_match())
        return visit, 200, etag(visit)

    @blp.doc(operationId="deleteVisit")
    @require("write")
    @blp.response(204, description="Deleted (or already deleted)")
    def delete(self, visit_id: uuid.UUID) -> Any:
        """Take back a visit booked in error: it releases what it held on its authorization
        and is no longer listed or shown; its history stays readable. Use the status
        endpoint for a visit that was cancelled or missed."""
        wiring = current_wiring()
        visits.delete_visit(uow=wiring.uow, clock=wiring.clock, caller=current_caller(),
                            visit_id=visit_id, if_match=if_match())


@blp.route("/visits/<uuid:visit_id>/history", methods=["GET"])
@blp.doc(operationId="getVisitHistory")
@require("read")
@blp.response(200, VisitHistory)
def history(visit_id: uuid.UUID) -> Any:
    """Every change to a visit, oldest first: who, when, and each field before and after
    (a deleted visit's included)."""
    wiring = current_wiring()
    changes = visit_history.visit_history(uow=wiring.uow(), clock=wiring.clock,
                                          caller=current_caller(), visit_id=visit_id)
    return {"items": changes}


@blp.route("/visits/<uuid:visit_id>/status", methods=["POST"])
@blp.doc(operationId="setVisitStatus")
@require("write")
@blp.arguments(VisitStatusIn)
@blp.response(200, VisitOut)
def set_status(data: dict[str, Any], visit_id: uuid.UUID) -> Any:
    """Completed uses its unit; cancelled releases it; late cancels and no-shows release it
    unless the practice or payer counts them."""
    wiring = current_wiring()
    visit = visits.set_status(uow=wiring.uow, clock=wiring.clock, registry=wiring.payers,
                              caller=current_caller(), visit_id=visit_id, status=data["status"])
    return visit, 200, etag(visit)


@blp.route("/coverages/<uuid:coverage_id>/visits", methods=["GET"])
@blp.doc(operationId="listCoverageVisits")
@require("read")
@blp.arguments(VisitRange, location="query")
@blp.response(200, VisitList)
def list_for_coverage(args: dict[str, Any], coverage_id: uuid.UUID) -> Any:
    """A coverage's visits in date order, optionally between from and to: whole, or by
    cursor (limit, cursor or updated_since; with updated_since, those changed since, oldest
    change first, visits deleted as booked in error included)."""
    if args["slice"] is not None:
        return list_page("visits", args, ("coverage", coverage_id))
    wiring = current_wiring()
    rows = visits.list_visits(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                              coverage_id=coverage_id, start=args.get("from_"),
                              end=args.get("to"))
    return {"items": rows, "next_cursor": None}
