"""CDS Hooks 2.0 endpoints: discovery, and the services an EHR calls with its signed JWT."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, g, jsonify, request
from flask.typing import ResponseReturnValue

from schemas.cds import HookRequestIn
from service import logs
from service.cds import booking
from service.cds.ehr import EhrData, FhirDataUnavailable
from service.cds.services import SERVICES, discovery
from service.cds.tokens import TokenRefused, Verified
from service.domain.errors import InvalidInput
from service.web.errors import error_response
from service.wiring import current_wiring

blp = Blueprint("cds", __name__, url_prefix="/cds-services")
log = logging.getLogger("coverwatch.cds")
HOOK_REQUEST = HookRequestIn()


@blp.route("", methods=["GET"])
def services() -> Any:
    """The services offered, with their prefetch templates (public: no patient data)."""
    return jsonify(discovery())


@blp.route("/<service_id>", methods=["POST"])
def call(service_id: str) -> ResponseReturnValue:
    service = SERVICES.get(service_id)
    if service is None:
        abort(404)
    wiring = current_wiring()
    base = wiring.config.cds_base_url or request.host_url.rstrip("/")
    try:
        verified = _verified(audience=f"{base}/cds-services/{service_id}")
    except TokenRefused as refused:
        return _refused(refused)
    data = _hook_request(service["hook"])
    context = data["context"]
    try:
        # The jti recorded and the patient read in one statement (PostgreSQL).
        caller, admission = wiring.cds_tokens.admit(verified, external_id=context["patientId"])
    except TokenRefused as refused:
        return _refused(refused)
    caller = replace(caller, request_id=g.get("request_id"))
    ehr = EhrData(prefetch=data["prefetch"] or {}, templates=service["prefetch"],
                  patient_id=context["patientId"], server=data["fhirServer"],
                  token=(data["fhirAuthorization"] or {}).get("access_token"),
                  allow_private=wiring.config.cds_allow_private)
    try:
        answer = booking.answer(
            services=booking.Services(uow=wiring.uow, reads=wiring.cds_reads, clock=wiring.clock,
                                      registry=wiring.payers, inputs=wiring.verdict_inputs),
            caller=caller, hook=service["hook"], context=context, ehr=ehr, app_url=base,
            remember=logs.remember_phi, found=(admission.patient_id, admission.coverages))
    except FhirDataUnavailable as missing:
        # CDS Hooks 2.0: 412 when the service cannot get the FHIR data it needs.
        return error_response(412, message=str(missing), error="precondition_failed")
    return jsonify(answer)


def _verified(*, audience: str) -> Verified:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("TOKEN_MISSING", "Send the EHR's signed JWT: 'Authorization: "
                           "Bearer <JWT>'.")
    return current_wiring().cds_tokens.verify(token.strip(), audience=audience)


def _refused(refused: TokenRefused) -> ResponseReturnValue:
    log.warning("CDS Hooks token refused: %s", refused.reason)
    return error_response(401, message=refused.message, errors={"reason": refused.reason},
                          headers={"WWW-Authenticate": "Bearer"})


def _hook_request(hook: str) -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        # json.loads gives up on arrays or objects nested about a thousand deep.
        body = None
    if not isinstance(body, dict):
        abort(400)
    try:
        data: dict[str, Any] = HOOK_REQUEST.load(body)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {
            "_schema": error.messages}
        raise InvalidInput({str(k): v for k, v in messages.items()}) from None
    if data["hook"] != hook:
        raise InvalidInput({"hook": [f"This service answers the {hook} hook."]})
    patient_id = data["context"].get("patientId")
    if not isinstance(patient_id, str) or not 1 <= len(patient_id) <= 64:
        raise InvalidInput({"context.patientId": ["Required: the EHR's patient id (1 to 64 "
                                                  "characters)."]})
    logs.remember_phi({"external_id": patient_id})
    return data
