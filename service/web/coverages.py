"""Coverages API: a patient's insurance, one payer of the directory each."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from schemas.coverages import (
    CoverageIn,
    CoverageOut,
    CoveragePage,
    CoveragePatch,
    PatientCoverageQuery,
)
from schemas.errors import ErrorSchema
from service.ledger import visits
from service.practice import coverages
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.etags import etag, if_match
from service.web.paging import list_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("coverages", __name__, url_prefix="/v1",
                description="Insurance coverages of a patient.")

CLASH = ("errors.reason COVERAGE_DUPLICATE: the patient has an active coverage with this payer "
         "and member id; COVERAGE_PRIORITY_TAKEN: the patient has an active coverage of this "
         "priority (errors.coverage_id names the other coverage)")


@blp.route("/patients/<uuid:patient_id>/coverages")
class PatientCoverages(MethodView):
    @blp.doc(operationId="createCoverage")
    @require("write")
    @blp.arguments(CoverageIn)
    @blp.response(201, CoverageOut, description="Coverage created")
    @blp.alt_response(409, schema=ErrorSchema, description=CLASH)
    def post(self, data: dict[str, Any], patient_id: uuid.UUID) -> Any:
        """Add a coverage to a patient."""
        wiring = current_wiring()
        coverage = coverages.create_coverage(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), patient_id=patient_id,
            data=data, payer_ids=wiring.payers.ids(),
        )
        return coverage, 201, etag(coverage)

    @blp.doc(operationId="listPatientCoverages")
    @require("read")
    @blp.arguments(PatientCoverageQuery, location="query")
    @blp.response(200, CoveragePage)
    def get(self, args: dict[str, Any], patient_id: uuid.UUID) -> Any:
        """List a patient's coverages, primary first (then as added), by page number or by
        cursor; with updated_since, those changed since, oldest change first."""
        if args["slice"] is not None:
            return list_page("coverages", args, ("patient", patient_id))
        wiring = current_wiring()
        offset, limit = page_window(args)
        rows, total = coverages.list_coverages(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), patient_id=patient_id,
            offset=offset, limit=limit,
        )
        return page(args, rows, total)


@blp.route("/coverages/<uuid:coverage_id>")
class CoverageById(MethodView):
    @blp.doc(operationId="getCoverage")
    @require("read")
    @blp.response(200, CoverageOut)
    def get(self, coverage_id: uuid.UUID) -> Any:
        """Read one coverage."""
        wiring = current_wiring()
        coverage = coverages.get_coverage(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), coverage_id=coverage_id
        )
        return coverage, 200, etag(coverage)

    @blp.doc(operationId="updateCoverage")
    @require("write")
    @blp.arguments(CoveragePatch)
    @blp.response(200, CoverageOut)
    @blp.alt_response(409, schema=ErrorSchema, description=CLASH)
    def patch(self, data: dict[str, Any], coverage_id: uuid.UUID) -> Any:
        """Change some of a coverage's fields, or end it: `status: ended` (with `end_date`,
        today by default). An ended coverage is skipped by the nightly job, and visits after
        its end date are not covered (COVERAGE_ENDED); `status: active` takes it back. Either
        way its scheduled visits still to come are judged again."""
        wiring = current_wiring()
        coverage = coverages.update_coverage(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
            coverage_id=coverage_id, data=data, payer_ids=wiring.payers.ids(),
            if_match=if_match(),
        )
        if "status" in data or "end_date" in data:
            visits.reevaluate_scheduled(uow=wiring.uow, clock=wiring.clock,
                                        registry=wiring.payers, caller=current_caller(),
                                        coverage_id=coverage_id)
        return coverage, 200, etag(coverage)
