"""Coordination of benefits checks API: which other plans a coverage's patient holds."""

from __future__ import annotations

import uuid
from typing import Any

from schemas.cob import CobCheckIn, CobCheckOut
from schemas.errors import ErrorSchema
from service.eligibility.cob import run_cob_check
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.wiring import current_wiring

blp = ApiBlueprint("cob", __name__, url_prefix="/v1",
                   description="Coordination of benefits checks through a clearinghouse.")


@blp.route("/coverages/<uuid:coverage_id>/cob-checks", methods=["POST"])
@blp.doc(operationId="createCobCheck")
@require("write")
@blp.arguments(CobCheckIn)
@blp.response(200, CobCheckOut, description="The clearinghouse answered")
@blp.alt_response(422, schema=ErrorSchema,
                  description="Invalid fields, or errors.reason COB_NOT_SUPPORTED: the "
                              "coverage's payer route cannot run COB checks (only a stedi "
                              "route with a cob_url can); nothing was sent")
@blp.alt_response(502, schema=ErrorSchema,
                  description="No usable answer (error payer_error, errors.reason the "
                              "PAYER_* code); 503 for PAYER_BUSY or PAYER_CIRCUIT_OPEN "
                              "(with Retry-After when the payer gave one), 504 for "
                              "PAYER_TIMEOUT")
def create_cob_check(data: dict[str, Any], coverage_id: uuid.UUID) -> Any:
    """Ask the coverage's clearinghouse which other plans the patient holds on the service
    date and which one pays first. The answer is returned, not stored; the check is
    recorded in the audit log (action cob_check). Blocks while the clearinghouse is asked
    (at most twice the route's timeout_s)."""
    wiring = current_wiring()
    return run_cob_check(
        store=wiring.checks, uow=wiring.uow(), clock=wiring.clock, registry=wiring.payers,
        caller=current_caller(), coverage_id=coverage_id,
        service_date=data.get("service_date"), provider_npi=data.get("provider_npi"))
