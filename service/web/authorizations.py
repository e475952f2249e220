"""Authorizations API: record, amend (with history), list, and import from a 278."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from schemas.errors import ErrorSchema
from schemas.ledger import (
    AuthorizationIn,
    AuthorizationList,
    AuthorizationOut,
    AuthorizationPatch,
    AuthorizationRange,
    From278In,
    From278Out,
)
from service.domain.review_match import MISMATCHES
from service.ledger import authorization_imports, authorizations
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.etags import etag, if_match
from service.web.paging import list_page
from service.wiring import current_wiring

blp = ApiBlueprint("authorizations", __name__, url_prefix="/v1",
                   description="Prior authorizations and what is used, reserved and left.")


@blp.route("/authorizations", methods=["POST"])
@blp.doc(operationId="createAuthorization")
@require("write")
@blp.arguments(AuthorizationIn)
@blp.response(201, AuthorizationOut)
def create(data: dict[str, Any]) -> Any:
    """Record an authorization from a payer letter or portal."""
    wiring = current_wiring()
    auth = authorizations.create_authorization(uow=wiring.uow(), clock=wiring.clock,
                                               caller=current_caller(), data=data)
    return auth, 201, etag(auth)


@blp.route("/authorizations/from-278", methods=["POST"])
@blp.doc(operationId="importAuthorizationsFrom278")
@require("write")
@blp.arguments(From278In)
@blp.response(201, From278Out, description="The file created at least one authorization")
@blp.alt_response(200, schema=From278Out,
                  description="Every decision in the file updated an authorization with its "
                              "number")
@blp.alt_response(422, schema=ErrorSchema, description=(
    "The file is refused whole and nothing is written: not a readable 278 response, a "
    "decision without a number or dates (errors.x12), or a 278 about someone other than "
    "the coverage's subscriber and patient: errors.reason is then one of " + ", ".join(
        f"{code} ({message})" for code, message in MISMATCHES.items())))
def create_from_278(data: dict[str, Any]) -> Any:
    """Create or update authorizations from an X12 278 response file (every decision in it)."""
    wiring = current_wiring()
    imported = authorization_imports.from_278(
        uow=wiring.uow(), clock=wiring.clock, registry=wiring.payers, caller=current_caller(),
        coverage_id=data["coverage_id"], x12=data["x12"])
    first = imported[0].authorization
    first.imported = [  # type: ignore[attr-defined]
        {"id": i.authorization.id, "number": i.authorization.number, "created": i.created}
        for i in imported]
    return first, 201 if any(i.created for i in imported) else 200


@blp.route("/authorizations/<uuid:auth_id>")
class AuthorizationById(MethodView):
    @blp.doc(operationId="getAuthorization")
    @require("read")
    @blp.response(200, AuthorizationOut)
    def get(self, auth_id: uuid.UUID) -> Any:
        """Read an authorization with its counts and its change history."""
        wiring = current_wiring()
        auth, history = authorizations.get_authorization(
            uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), auth_id=auth_id)
        auth.history = history  # type: ignore[attr-defined]
        return auth, 200, etag(auth)

    @blp.doc(operationId="updateAuthorization")
    @require("write")
    @blp.arguments(AuthorizationPatch)
    @blp.response(200, AuthorizationOut)
    def patch(self, data: dict[str, Any], auth_id: uuid.UUID) -> Any:
        """Amend quantity, dates, scope or status; the change is kept in the history.

        The visits scheduled from today on that it carried (or that none carried) are
        counted again, earliest first, and their verdicts change with it. An amendment below
        what is held is accepted: `remaining` is 0 and `overcommitted` says by how much
        completed and past visits exceed the new quantity."""
        wiring = current_wiring()
        auth = authorizations.amend_authorization(uow=wiring.uow(), clock=wiring.clock,
                                                  registry=wiring.payers,
                                                  caller=current_caller(), auth_id=auth_id,
                                                  data=data, if_match=if_match())
        return auth, 200, etag(auth)


@blp.route("/coverages/<uuid:coverage_id>/authorizations", methods=["GET"])
@blp.doc(operationId="listCoverageAuthorizations")
@require("read")
@blp.arguments(AuthorizationRange, location="query")
@blp.response(200, AuthorizationList)
def list_for_coverage(args: dict[str, Any], coverage_id: uuid.UUID) -> Any:
    """A coverage's authorizations, ending soonest first: whole, or by cursor (limit,
    cursor or updated_since; with updated_since, those changed since, oldest change
    first)."""
    if args["slice"] is not None:
        return list_page("authorizations", args, ("coverage", coverage_id))
    wiring = current_wiring()
    rows = authorizations.list_authorizations(uow=wiring.uow(), clock=wiring.clock,
                                              caller=current_caller(), coverage_id=coverage_id)
    return {"items": rows, "next_cursor": None}
