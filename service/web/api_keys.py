"""API keys API (admin scope): list, create and revoke the practice's keys."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from schemas.api_keys import ApiKeyCreated, ApiKeyIn, ApiKeyOut, ApiKeyPage, ApiKeyQuery
from schemas.errors import ErrorSchema
from service.practice import api_keys
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import cursor_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("api_keys", __name__, url_prefix="/v1/api-keys",
                   description="The practice's API keys (admin scope).")

CREATED_EXAMPLE = {
    "key": "cw_4d39bfed5c63_6JxbV5ETq0nPp3kQ9wXy2bLr7uZa1cVd8eFg4hJk5mN",
    "api_key": {"id": "0b7f6a3e-3c1d-4b8e-9f2a-5d6c7e8f9a0b", "label": "EHR sync",
                "scopes": ["read", "write"], "prefix": "4d39bfed5c63", "status": "active",
                "created_at": "2026-12-07T15:00:00+00:00",
                "created_by": "api_key:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "last_used_at": None, "revoked_at": None},
}


@blp.route("", methods=["GET"])
@blp.doc(operationId="listApiKeys")
@require("admin")
@blp.arguments(ApiKeyQuery, location="query")
@blp.response(200, ApiKeyPage)
def list_keys(args: dict[str, Any]) -> Any:
    """List the practice's keys, newest first, revoked ones too: never a key or its hash.
    By page number or by cursor; with updated_since, those created or revoked since, oldest
    change first."""
    if args["slice"] is not None:
        rows, last = api_keys.key_page(uow=current_wiring().uow(), caller=current_caller(),
                                       status=args.get("status"), part=args["slice"],
                                       updated_since=args.get("updated_since"))
        return cursor_page(args["slice"], rows, last)
    offset, limit = page_window(args)
    rows, total = api_keys.list_keys(uow=current_wiring().uow(), caller=current_caller(),
                                     status=args.get("status"), offset=offset, limit=limit)
    return page(args, rows, total)


@blp.route("", methods=["POST"])
@blp.doc(operationId="createApiKey")
@require("admin")
@blp.arguments(ApiKeyIn, example={"label": "EHR sync", "scopes": ["read", "write"]})
@blp.response(201, ApiKeyCreated, description="Key created; `key` is shown this once",
              example=CREATED_EXAMPLE,
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
