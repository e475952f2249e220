"""Authorizations API: record, amend (with history), list, and import from a 278."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from schemas.ledger import (
    AuthorizationIn,
    AuthorizationList,
    AuthorizationOut,
    AuthorizationPatch,
    From278In,
)
from service.ledger import authorizations
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.wiring import current_wiring

blp = ApiBlueprint("authorizations", __name__, url_prefix="/v1",
                   description="Prior authorizations and what is used, reserved and left.")


@blp.route("/authorizations", methods=["POST"])
@require("write")
@blp.arguments(AuthorizationIn)
@blp.response(201, AuthorizationOut)
def create(data: dict[str, Any]) -> Any:
    """Record an authorization from a payer letter or portal."""
    wiring = current_wiring()
    return authorizations.create_authorization(uow=wiring.uow(), clock=wiring.clock,
                                               caller=current_caller(), data=data)


@blp.route("/authorizations/from-278", methods=["POST"])
@require("write")
@blp.arguments(From278In)
@blp.response(201, AuthorizationOut, description="Created from the 278")
@blp.alt_response(200, schema=AuthorizationOut,
                  description="An authorization with this number existed and was updated")
def create_from_278(data: dict[str, Any]) -> Any:
    """Create or update an authorization from an X12 278 response."""
    wiring = current_wiring()
    auth, created = authorizations.from_278(uow=wiring.uow(), clock=wiring.clock,
                                            caller=current_caller(),
                                            coverage_id=data["coverage_id"], x12=data["x12"])
    return auth, 201 if created else 200


@blp.route("/authorizations/<uuid:auth_id>")
class AuthorizationById(MethodView):
    @require("read")
    @blp.response(200, AuthorizationOut)
    def get(self, auth_id: uuid.UUID) -> Any:
        """Read an authorization with its counts and its change history."""
        wiring = current_wiring()
        auth, history = authorizations.get_authorization(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), auth_id=auth_id)
        auth.history = history  # type: ignore[attr-defined]
        return auth

    @require("write")
    @blp.arguments(AuthorizationPatch)
    @blp.response(200, AuthorizationOut)
    def patch(self, data: dict[str, Any], auth_id: uuid.UUID) -> Any:
        """Amend quantity, dates, scope or status; the change is kept in the history."""
        wiring = current_wiring()
        return authorizations.amend_authorization(uow=wiring.uow(), clock=wiring.clock,
                                                  caller=current_caller(), auth_id=auth_id,
                                                  data=data)


@blp.route("/coverages/<uuid:coverage_id>/authorizations", methods=["GET"])
@require("read")
@blp.response(200, AuthorizationList)
def list_for_coverage(coverage_id: uuid.UUID) -> Any:
    """A coverage's authorizations, ending soonest first."""
    wiring = current_wiring()
    rows = authorizations.list_authorizations(uow=wiring.uow(), clock=wiring.clock,
                                              caller=current_caller(), coverage_id=coverage_id)
    return {"items": rows}
