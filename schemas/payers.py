"""Payer directory schemas: what the API tells of each route (never its URL or secrets)."""

from __future__ import annotations

import marshmallow as ma

from payers.directory import ADAPTERS
from schemas.common import CursorPageOut
from schemas.lists import CursorQuery


class PayerQuery(CursorQuery):
    ORDER = "id"
    KINDS = {"id": "s"}


class PayerOut(ma.Schema):
    id = ma.fields.String(required=True, metadata={
        "description": "Directory id: what a coverage's `payer` names"})
    name = ma.fields.String(required=True, metadata={
        "description": "The payer's name for a person"})
    payer_id = ma.fields.String(required=True, metadata={
        "description": "The payer's X12 id (NM109 of loop 2100A)"})
    connectivity = ma.fields.String(required=True, validate=ma.validate.OneOf(ADAPTERS),
                                    metadata={"description": "How the payer is reached"})
    service_types = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "X12 service type codes asked by default"})


class PayerPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(PayerOut), required=True)
