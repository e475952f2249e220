"""Coverage schemas: a patient's insurance card as the front desk types it."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import (
    CursorPageOut,
    PageOut,
    PersonIn,
    Strict,
    gender_field,
    member_id_field,
    one_of,
    x12_text,
)
from schemas.lists import PagedCursorQuery, SyncQuery
from service.domain.identifiers import GROUP_NUMBER_RE

RELATIONSHIPS = ["self", "spouse", "child", "other"]
PRIORITIES = ["primary", "secondary"]
NETWORK = ["in", "out"]
STATUSES = ["active", "ended"]


class SubscriberIn(PersonIn):
    member_id = member_id_field(required=True)


class SubscriberOut(ma.Schema):
    first_name = ma.fields.String(required=True)
    last_name = ma.fields.String(required=True)
    birth_date = ma.fields.Date(required=True)
    gender = gender_field(required=True)
    member_id = ma.fields.String(required=True)


def _group_number() -> ma.fields.String:
    return x12_text(what="Group number", max_len=50, pattern=GROUP_NUMBER_RE,
                    allowed="letters, digits, -", allow_none=True)


class CoverageIn(Strict):
    payer = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=64),
        metadata={"description": "Payer directory id (see the payer directory file)"},
    )
    member_id = member_id_field(required=True)
    group_number = _group_number()
    relationship = ma.fields.String(required=True, validate=ma.validate.OneOf(RELATIONSHIPS))
    subscriber = ma.fields.Nested(
        SubscriberIn, allow_none=True,
        metadata={"description": "The policy holder; required unless relationship is self"},
    )
    priority = ma.fields.String(load_default="primary", validate=ma.validate.OneOf(PRIORITIES))
    network_status = ma.fields.String(load_default="in", validate=ma.validate.OneOf(NETWORK))

    @ma.validates_schema
    def subscriber_matches_relationship(self, data: dict, **_kwargs: object) -> None:
        if data.get("relationship") == "self" and data.get("subscriber"):
            raise ma.ValidationError(
                "Leave the subscriber out when the patient is the subscriber.", "subscriber"
            )
        if data.get("relationship") not in (None, "self") and not data.get("subscriber"):
            raise ma.ValidationError(
                "Required when the patient is not the subscriber.", "subscriber"
            )


class CoveragePatch(Strict):
    payer = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    member_id = member_id_field()
    group_number = _group_number()
    relationship = ma.fields.String(validate=ma.validate.OneOf(RELATIONSHIPS))
    subscriber = ma.fields.Nested(SubscriberIn, allow_none=True)
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    network_status = ma.fields.String(validate=ma.validate.OneOf(NETWORK))
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "ended: the practice ends the coverage (end_date, today by default); "
                       "active: takes it back into use"})
    end_date = ma.fields.Date(metadata={
        "description": "The last day the coverage covers; with status ended"})


class CoverageOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    patient_id = ma.fields.UUID(required=True)
    payer = ma.fields.String(required=True)
    member_id = ma.fields.String(required=True)
    group_number = ma.fields.String(allow_none=True, required=True)
    relationship = one_of(RELATIONSHIPS, required=True)
    subscriber = ma.fields.Nested(SubscriberOut, allow_none=True, required=True)
    priority = one_of(PRIORITIES, required=True)
    network_status = one_of(NETWORK, required=True)
    status = one_of(STATUSES, required=True, metadata={"description": "active or ended"})
    end_date = ma.fields.Date(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class CoveragePage(PageOut):
    items = ma.fields.List(ma.fields.Nested(CoverageOut), required=True)


class PatientCoverageQuery(PagedCursorQuery):
    """A patient's coverages, primary first, by page number or by cursor."""

    ORDER = "priority"
    KINDS = {"priority": "stu", "updated": "tu"}


class CoverageListQuery(SyncQuery):
    ORDER = "created"
    KINDS = {"created": "tu", "updated": "tu"}

    payer = ma.fields.String(validate=ma.validate.Length(min=1, max=64), metadata={
        "description": "Payer directory id"})
    patient_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES), metadata={
        "description": "active or ended coverages only (default: both)"})


class CoverageSearchIn(CoverageListQuery):
    """The same filters in a body, with member_id: a member id is never put in a URL."""

    member_id = member_id_field()


class CoverageList(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(CoverageOut), required=True)
