"""Patients API: create-or-update by external id, read, search, change."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from schemas.patients import PatientIn, PatientOut, PatientPage, PatientPatch, PatientQuery
from service.practice import lists, patients
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.etags import etag, if_match
from service.web.paging import cursor_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("patients", __name__, url_prefix="/v1/patients",
                description="Clients of the practice, as the EHR knows them.")


@blp.route("")
class Patients(MethodView):
    @blp.doc(operationId="createPatient")
    @require("write")
    @blp.arguments(PatientIn)
    @blp.response(201, PatientOut, description="Patient created")
    @blp.alt_response(200, schema=PatientOut,
                      description="A patient with this external_id existed and was updated")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a patient, or update the one with the same external_id."""
        wiring = current_wiring()
        patient, created = patients.upsert_patient(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), data=data
        )
        return patient, 201 if created else 200, etag(patient)

    @blp.doc(operationId="listPatients")
    @require("read")
    @blp.arguments(PatientQuery, location="query")
    @blp.response(200, PatientPage)
    def get(self, args: dict[str, Any]) -> Any:
        """Find patients by external_id or by words of their name: by name in page mode, in
        the order they were added by cursor (limit, cursor or updated_since)."""
        wiring = current_wiring()
        if args["slice"] is not None:
            rows, last = lists.patient_page(
                uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                part=args["slice"], external_id=args.get("external_id"), q=args.get("q"),
                updated_since=args.get("updated_since"))
            return cursor_page(args["slice"], rows, last)
        offset, limit = page_window(args)
        rows, total = patients.search_patients(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
            external_id=args.get("external_id"), q=args.get("q"), offset=offset, limit=limit,
        )
        return page(args, rows, total)


@blp.route("/<uuid:patient_id>")
class PatientById(MethodView):
    @blp.doc(operationId="getPatient")
    @require("read")
    @blp.response(200, PatientOut)
    def get(self, patient_id: uuid.UUID) -> Any:
        """Read one patient."""
        wiring = current_wiring()
        patient = patients.get_patient(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), patient_id=patient_id
        )
        return patient, 200, etag(patient)

    @blp.doc(operationId="updatePatient")
    @require("write")
    @blp.arguments(PatientPatch)
    @blp.response(200, PatientOut)
    def patch(self, data: dict[str, Any], patient_id: uuid.UUID) -> Any:
        """Change some of a patient's fields."""
        wiring = current_wiring()
        patient = patients.update_patient(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), patient_id=patient_id,
            data=data, if_match=if_match(),
        )
        return patient, 200, etag(patient)
