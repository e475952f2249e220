"""Patient schemas: what an EHR sends and what the API answers."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.common import (
    PageOut,
    PersonIn,
    Strict,
    birth_date_field,
    gender_field,
    x12_text,
)
from schemas.lists import PagedCursorQuery
from service.domain.identifiers import MEMBER_ID_RE


def _external_id(**kwargs: Any) -> ma.fields.String:
    return x12_text(what="External id", max_len=64, pattern=MEMBER_ID_RE,
                    allowed="letters, digits, -", **kwargs)


class PatientIn(PersonIn):
    external_id = _external_id()


class PatientPatch(Strict):
    first_name = x12_text(what="First name", max_len=35)
    last_name = x12_text(what="Last name", max_len=60)
    birth_date = birth_date_field()
    gender = gender_field()
    external_id = _external_id(allow_none=True)


class PatientOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    first_name = ma.fields.String(required=True)
    last_name = ma.fields.String(required=True)
    birth_date = ma.fields.Date(required=True)
    gender = gender_field(required=True)
    external_id = ma.fields.String(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class PatientQuery(PagedCursorQuery):
    ORDER = "created"
    KINDS = {"created": "tu", "updated": "tu"}

    external_id = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Words that must each appear in the first or last name"},
    )


class PatientPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(PatientOut), required=True)
