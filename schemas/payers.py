"""Payer directory schemas: what the API tells of each payer (never a route's URL or secrets)."""

from __future__ import annotations

import marshmallow as ma

from payers.directory import ADAPTERS
from schemas.common import CursorPageOut
from schemas.lists import CursorQuery


class PayerQuery(CursorQuery):
    # Best match first, then id; without `q` every payer matches alike, so: id order.
    ORDER = "ranked"
    KINDS = {"ranked": "fs"}

    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100), metadata={
        "description": "Find payers by id, alias (a clearinghouse's payer id) or name: exact "
                       "ids first, then names starting with it, then word and close-spelling "
                       "matches"})


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
    aliases = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                             metadata={"description": "The payer's id at each clearinghouse"})
    routes = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "The routes reaching the payer, in failover order"})
    transactions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "X12 transactions the payer answers (270, 278)"})
    enrollment_required = ma.fields.Boolean(required=True, metadata={
        "description": "Whether providers must enrol with the payer before checking"})


class PayerPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(PayerOut), required=True)
