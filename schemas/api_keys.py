"""API key schemas: what an administrator sees of a key, and the key itself once, at creation."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.common import PageOut, PageQuery, Strict
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


class ApiKeyQuery(PageQuery):
    status = ma.fields.String(validate=ma.validate.OneOf(KEY_STATUSES), metadata={
        "description": "only active or only revoked keys (default: both)"})


class ApiKeyOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    label = ma.fields.String(allow_none=True, required=True)
    scopes = _scopes(required=True, attribute="scope_names")
    prefix = ma.fields.String(required=True, metadata={
        "description": "The key reads cw_<prefix>_…: enough to recognise it, not to use it"})
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(KEY_STATUSES))
    created_at = ma.fields.AwareDateTime(required=True)
    created_by = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "api_key:<id> or cli:<command>; null for keys made before it was kept"})
    last_used_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "when a request last authenticated with the key, to within a minute"})
    revoked_at = ma.fields.AwareDateTime(allow_none=True, required=True)


class ApiKeyCreated(ma.Schema):
    key = ma.fields.String(required=True, attribute="secret", metadata={
        "description": "The key to send as 'Authorization: Bearer <key>'. Shown this once: "
                       "only its hash is stored"})
    api_key = ma.fields.Nested(ApiKeyOut, required=True, attribute="record")


class ApiKeyPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(ApiKeyOut), required=True)
