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


class ErrorCountOut(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "The stored error code"})
    count = ma.fields.Integer(required=True, metadata={
        "description": "Checks on the route that ended with it in the window"})


class RouteHealthOut(ma.Schema):
    route = ma.fields.String(required=True, metadata={"description": "The route's directory id"})
    connectivity = ma.fields.String(required=True, validate=ma.validate.OneOf(ADAPTERS),
                                    metadata={"description": "How the route reaches the payer"})
    circuit = ma.fields.String(required=True,
                               validate=ma.validate.OneOf(("closed", "open", "half-open")),
                               metadata={"description": "The route's circuit breaker now"})
    checks = ma.fields.Integer(required=True, metadata={
        "description": "Finished checks on the route in the window (every practice's)"})
    success_share = ma.fields.Float(required=True, allow_none=True, metadata={
        "description": "Share answered by the payer (active, inactive or rejected)"})
    p50_ms = ma.fields.Float(required=True, allow_none=True, metadata={
        "description": "Median milliseconds of the checks that made a call"})
    p95_ms = ma.fields.Float(required=True, allow_none=True, metadata={
        "description": "95th percentile (nearest rank) milliseconds of those checks"})
    within_20s_share = ma.fields.Float(required=True, allow_none=True, metadata={
        "description": "Share answered within CAQH CORE's 20-second real-time budget"})
    errors = ma.fields.List(ma.fields.Nested(ErrorCountOut), required=True, metadata={
        "description": "The commonest error codes, most frequent first (at most 3)"})
    degraded = ma.fields.Boolean(required=True, metadata={
        "description": "At least 5 checks and under 80 % answered, or p95 past 20 s"})


class PayerHealthOut(ma.Schema):
    payer = ma.fields.String(required=True, metadata={"description": "The payer asked about"})
    since = ma.fields.AwareDateTime(required=True, metadata={
        "description": "Start of the window (the last 24 hours)"})
    routes = ma.fields.List(ma.fields.Nested(RouteHealthOut), required=True, metadata={
        "description": "Each route of the payer, in failover order"})
