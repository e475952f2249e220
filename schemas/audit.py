"""Audit log schemas: who read or changed which patient record, and when."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import PageOut
from schemas.lists import PagedCursorQuery


class AuditEventOut(ma.Schema):
    id = ma.fields.UUID(required=True, attribute="public_id", metadata={
        "description": "random: says nothing about other entries or other practices"})
    actor = ma.fields.String(required=True, metadata={
        "description": "api_key:<id>, user:<id>, cli:<command>, or visitor:<address> (a sign-in "
                       "attempt)"})
    action = ma.fields.String(required=True, metadata={
        "description": "create, read or update; for resource_type staff_user also sign_in, "
                       "sign_in_failed, sign_in_locked, throttled, locked, unlock, sign_out_all; "
                       "for api_key create and revoke"})
    resource_type = ma.fields.String(required=True)
    resource_id = ma.fields.String(required=True)
    request_id = ma.fields.String(allow_none=True, required=True)
    at = ma.fields.AwareDateTime(required=True)


class AuditQuery(PagedCursorQuery):
    ORDER = "newest"
    KINDS = {"newest": "tu", "updated": "tu"}


class AuditPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(AuditEventOut), required=True)
