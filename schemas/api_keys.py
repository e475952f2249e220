"""API key schemas: what an administrator sees of a key, and the key itself once, at creation."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.common import PageOut, Strict
from schemas.lists import PagedCursorQuery
from service.practice.access import KEY_STATUSES, SCOPES


def _scopes(**kwargs: Any) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(SCOPES)),
        metadata={"description": "read: every GET and the checks that record nothing; write: "
                                 "creates, changes and deletes; admin: the audit log, "
                                 "settings, raw X12 and API keys"},
        **kwargs)


class ApiKeyIn(Strict):
    label = ma.fields.String(load_default=None, allow_none=True,
                             validate=ma.validate.Length(min=1, max=100),
                             metadata={"description": "What the key is for (an EHR, a script)"})
    scopes = _scopes(required=True, validate=ma.validate.Length(min=1, max=len(SCOPES)))


class ApiKeyQuery(PagedCursorQuery):
    """Keys newest first by page number or by cursor; with updated_since, those created or
    revoked since (a key's last use is not a change of it)."""

    ORDER = "newest"
    KINDS = {"newest": "tu", "updated": "tu"}

    status = ma.fields.String(validate=ma.validate.OneOf(KEY_STATUSES), metadata={
        "description": "only active or only revoked keys (default: both)"})


class ApiKeyOut(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={
        "description": "The key's id: the audit log names it api_key:<id>"})
    label = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "What the key is for, as given when it was created"})
    scopes = _scopes(required=True, attribute="scope_names")
    prefix = ma.fields.String(required=True, metadata={
        "description": "The key reads cw_<prefix>_…: enough to recognise it, not to use it"})
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(KEY_STATUSES), metadata={
        "description": "active until revoked; a revoked key is refused (401)"})
    created_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "When the key was created"})
    created_by = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "api_key:<id> or cli:<command>; null for keys made before it was kept"})
    last_used_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "when a request last authenticated with the key, to within a minute"})
    revoked_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "When the key was revoked; null while it is active"})


class ApiKeyCreated(ma.Schema):
    key = ma.fields.String(required=True, attribute="secret", metadata={
        "description": "The key to send as 'Authorization: Bearer <key>'. Shown this once: "
                       "only its hash is stored"})
    api_key = ma.fields.Nested(ApiKeyOut, required=True, attribute="record", metadata={
        "description": "The key as GET /v1/api-keys/{id} shows it from now on"})


class ApiKeyPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(ApiKeyOut), required=True, metadata={
        "description": "The practice's keys, newest first"})
