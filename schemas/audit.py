"""Audit log schemas: who read or changed which patient record, and when."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import PageOut, one_of
from schemas.lists import PagedCursorQuery

# What the audit log writes (service/practice/audit.py's callers): keep in step with them; the
# API tests validate every listed row against this enum.
ACTIONS = ("create", "read", "update", "delete", "revoke", "sign_in", "sign_in_failed",
           "sign_in_locked", "throttled", "locked", "unlock", "sign_out_all", "cob_check")
RESOURCE_TYPES = ("patient", "coverage", "eligibility_check", "authorization", "visit", "alert",
                  "reverification_run", "staff_user", "api_key", "cds_client")


class AuditEventOut(ma.Schema):
    id = ma.fields.UUID(required=True, attribute="public_id", metadata={
        "description": "random: says nothing about other entries or other practices"})
    actor = ma.fields.String(required=True, metadata={
        "description": "api_key:<id>, user:<id>, cli:<command>, or visitor:<address> (a sign-in "
                       "attempt)"})
    action = one_of(ACTIONS, required=True, metadata={
        "description": "create, read or update; for resource_type staff_user also sign_in, "
                       "sign_in_failed, sign_in_locked, throttled, locked, unlock, sign_out_all; "
                       "for api_key create and revoke; for coverage also cob_check (a coordination "
                       "of benefits check was run)"})
    resource_type = one_of(RESOURCE_TYPES, required=True, metadata={
        "description": "The kind of record acted on"})
    resource_id = ma.fields.String(required=True, metadata={
        "description": "The id of the record acted on (a UUID)"})
    request_id = ma.fields.String(allow_none=True, required=True)
    at = ma.fields.AwareDateTime(required=True)


class AuditQuery(PagedCursorQuery):
    ORDER = "newest"
    KINDS = {"newest": "tu", "updated": "tu"}


class AuditPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(AuditEventOut), required=True)
