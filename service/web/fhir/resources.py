"""Read and search: Patient, Coverage, CoverageEligibilityResponse (and the request a check
answered, CoverageEligibilityRequest, by id)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, abort, request

from service.domain.errors import InvalidInput, NotFound
from service.eligibility import history
from service.fhir import eligibility, reads, records, search
from service.practice import coverages, patients
from service.web.auth import current_caller, require
from service.web.fhir.blueprint import answer, bp, our_id, payer_name
from service.web.fhir.errors import Malformed, field_issues
from service.web.fhir.pages import bundle, opened
from service.wiring import current_wiring

SEARCHABLE = "any(Patient, Coverage, CoverageEligibilityResponse)"
READABLE = "any(Patient, Coverage, CoverageEligibilityResponse, CoverageEligibilityRequest)"
FORM = "application/x-www-form-urlencoded"


def _record(kind: str, record_id: uuid.UUID) -> Any:
    wiring, caller = current_wiring(), current_caller()
    if kind == "Patient":
        return records.patient(patients.get_patient(
            uow=wiring.uow(), clock=wiring.clock, caller=caller, patient_id=record_id))
    if kind == "Coverage":
        return records.coverage(coverages.get_coverage(
            uow=wiring.uow(), clock=wiring.clock, caller=caller, coverage_id=record_id),
            payer_name)
    check = history.get_check(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                              check_id=record_id)
    return _checks(kind, [check])[0][1]


def _checks(kind: str, rows: Sequence[Any]) -> list[tuple[str, Any]]:
    """Stored checks as responses (or requests), each naming its coverage's patient."""
    owners = reads.patients_of(uow=current_wiring().uow(), caller=current_caller(),
                               coverage_ids=[row.coverage_id for row in rows])
    mapping: Callable[..., Any] = (eligibility.request if kind == "CoverageEligibilityRequest"
                                   else eligibility.response)
    return [(str(row.id), mapping(row, patient_id=owners[row.coverage_id],
                                  payer_name=payer_name)) for row in rows]


@bp.route(f"/<{READABLE}:kind>/<item>", methods=["GET"])
@require("read")
def read(kind: str, item: str) -> Response:
    """read: one resource by id; another practice's, like one that does not exist, is 404."""
    record_id = our_id(item)
    if record_id is None:
        raise NotFound(kind)
    return answer(_record(kind, record_id))


@bp.route(f"/<{SEARCHABLE}:kind>", methods=["GET"])
@require("read")
def search_get(kind: str) -> Response:
    return _search(kind, request.args.to_dict(flat=False))


@bp.route(f"/<{SEARCHABLE}:kind>/_search", methods=["POST"])
@require("read")
def search_post(kind: str) -> Response:
    """search by POST: the parameters as a form, so that a member id stays out of URLs."""
    if request.content_length and request.mimetype != FORM:
        abort(415)
    return _search(kind, {**request.args.to_dict(flat=False), **request.form.to_dict(flat=False)})


def _search(kind: str, args: dict[str, list[str]]) -> Response:
    args.pop("_format", None)  # JSON: the blueprint refused any other
    page = args.pop("_page", None)
    cursor = None
    if page is not None:
        if args or len(page) != 1:
            raise Malformed(field_issues({"_page": ["Send _page alone, as the link gave it."]},
                                         code="invalid"))
        args, cursor = opened(kind, page[0])
    try:
        asked = search.parse(kind, args)
    except InvalidInput as error:
        raise Malformed(field_issues(error.errors, code="invalid")) from error
    wiring = current_wiring()
    rows, following = reads.page(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                                 search=asked, cursor=cursor)
    if kind == "CoverageEligibilityResponse":
        entries = _checks(kind, rows)
    elif kind == "Coverage":
        entries = [(str(row.id), records.coverage(row, payer_name)) for row in rows]
    else:
        entries = [(str(row.id), records.patient(row)) for row in rows]
    return answer(bundle(kind, args, cursor, following, entries))


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(_rest: str) -> Response:
    """Anything else under /fhir: 404 as an OperationOutcome, like every answer here."""
    abort(404)

