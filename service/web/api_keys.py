"""API keys API (admin scope): list, create and revoke the practice's keys."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_smorest.error_handler import ErrorSchema

from schemas.api_keys import ApiKeyCreated, ApiKeyIn, ApiKeyOut, ApiKeyPage, ApiKeyQuery
from service.practice import api_keys
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("api_keys", __name__, url_prefix="/v1/api-keys",
                   description="The practice's API keys (admin scope).")


@blp.route("", methods=["GET"])
@blp.doc(operationId="listApiKeys")
@require("admin")
@blp.arguments(ApiKeyQuery, location="query")
@blp.response(200, ApiKeyPage)
def list_keys(args: dict[str, Any]) -> Any:
    """List the practice's keys, newest first, revoked ones too: never a key or its hash."""
    offset, limit = page_window(args)
    rows, total = api_keys.list_keys(uow=current_wiring().uow(), caller=current_caller(),
                                     status=args.get("status"), offset=offset, limit=limit)
    return page(args, rows, total)


@blp.route("", methods=["POST"])
@blp.doc(operationId="createApiKey")
@require("admin")
@blp.arguments(ApiKeyIn)
@blp.response(201, ApiKeyCreated, description="Key created; `key` is shown this once",
              headers={"Location": {"description": "/v1/api-keys/{id}",
                                    "schema": {"type": "string"}}})
def create_key(data: dict[str, Any]) -> Any:
    """Create a key with scopes the calling key holds (422 on `scopes` otherwise)."""
    wiring = current_wiring()
    issued = api_keys.create_key(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                                 scopes=frozenset(data["scopes"]), label=data["label"])
    # The body holds a secret: no cache on the way may keep it.
    return issued, 201, {"Location": url_for("api_keys.get_key", key_id=issued.record.id),
                         "Cache-Control": "no-store"}


@blp.route("/<uuid:key_id>", methods=["GET"])
@blp.doc(operationId="getApiKey")
@require("admin")
@blp.response(200, ApiKeyOut)
def get_key(key_id: uuid.UUID) -> Any:
    """One key of the practice; another practice's key id is not found."""
    return api_keys.get_key(uow=current_wiring().uow(), caller=current_caller(), key_id=key_id)


@blp.route("/<uuid:key_id>/revoke", methods=["POST"])
@blp.doc(operationId="revokeApiKey")
@require("admin")
@blp.response(200, ApiKeyOut)
@blp.alt_response(409, schema=ErrorSchema,
                  description="errors.reason LAST_ADMIN_KEY: the practice's last active admin "
                              "key is kept; create another admin key first")
def revoke_key(key_id: uuid.UUID) -> Any:
    """Revoke a key: every server refuses it from the next request on (401). The key stays
    listed, with revoked_at; revoking it again changes nothing."""
    wiring = current_wiring()
    return api_keys.revoke_key(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                               key_id=key_id)
