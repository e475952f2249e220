"""CDS clients API (admin scope): register, list, read and remove the EHRs allowed to call
the CDS Hooks services."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from schemas.cds import CdsClientIn, CdsClientList, CdsClientOut
from schemas.errors import ErrorSchema
from service.cds import clients
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.wiring import current_wiring

blp = ApiBlueprint("cds_clients", __name__, url_prefix="/v1/cds-clients",
                   description="EHRs allowed to call the CDS Hooks services (admin scope).")

EXAMPLE_IN = {"issuer": "https://ehr.example.org", "jwks_url":
              "https://ehr.example.org/.well-known/jwks.json"}


@blp.route("", methods=["GET"])
@blp.doc(operationId="listCdsClients")
@require("admin")
@blp.response(200, CdsClientList)
def list_clients() -> Any:
    """The practice's CDS clients, newest first (whole: a practice has a handful)."""
    rows = clients.list_clients(uow=current_wiring().uow(), caller=current_caller())
    return {"items": rows, "next_cursor": None}


@blp.route("", methods=["POST"])
@blp.doc(operationId="createCdsClient")
@require("admin")
@blp.arguments(CdsClientIn, example=EXAMPLE_IN)
@blp.response(201, CdsClientOut, description="Registered: JWTs of this issuer are accepted",
              headers={"Location": {"description": "/v1/cds-clients/{id}",
                                    "schema": {"type": "string"}}})
@blp.alt_response(409, schema=ErrorSchema, description=(
    "errors.reason CDS_ISSUER_TAKEN: this issuer is registered already (an issuer names one "
    "practice)"))
def create_client(data: dict[str, Any]) -> Any:
    """Register an EHR by the issuer of its JWTs and its public keys: a JWK Set inline
    (checked now) or the https URL it is published at. Its calls act for this practice."""
    wiring = current_wiring()
    client = clients.register_client(
        uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), issuer=data["issuer"],
        jwks=data["jwks"], jwks_url=data["jwks_url"],
        allow_private=wiring.config.cds_allow_private)
    return client, 201, {"Location": url_for("cds_clients.get_client", client_id=client.id)}


@blp.route("/<uuid:client_id>", methods=["GET"])
@blp.doc(operationId="getCdsClient")
@require("admin")
@blp.response(200, CdsClientOut)
def get_client(client_id: uuid.UUID) -> Any:
    """One CDS client of the practice; another practice's id is not found."""
    return clients.get_client(uow=current_wiring().uow(), caller=current_caller(),
                              client_id=client_id)


@blp.route("/<uuid:client_id>", methods=["DELETE"])
@blp.doc(operationId="deleteCdsClient")
@require("admin")
@blp.response(204, description="Removed: the issuer's JWTs are refused from now on")
def delete_client(client_id: uuid.UUID) -> Any:
    """Remove a CDS client; its next call is a 401."""
    wiring = current_wiring()
    clients.delete_client(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                          client_id=client_id)
