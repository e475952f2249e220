"""Audit log schemas: who read or changed which patient record, and when."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import PageOut


class AuditEventOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    actor = ma.fields.String(required=True, metadata={"description": "api_key:<id> or cli"})
    action = ma.fields.String(required=True, metadata={"description": "create, read or update"})
    resource_type = ma.fields.String(required=True)
    resource_id = ma.fields.String(required=True)
    request_id = ma.fields.String(allow_none=True, required=True)
    at = ma.fields.AwareDateTime(required=True)


class AuditPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(AuditEventOut), required=True)
