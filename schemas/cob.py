"""Coordination of benefits check schemas: the request and the plans found."""

from __future__ import annotations

import marshmallow as ma

from payers.cob import Primacy
from schemas.common import Strict, window_date
from schemas.eligibility import CheckIn
from service.domain.dates import SERVICE_DATE

PRIMACIES = [p.value for p in Primacy]


class CobCheckIn(Strict):
    service_date = window_date(SERVICE_DATE, metadata={
        "description": "The date the plans must cover; default: today"})
    provider_npi = CheckIn().fields["provider_npi"]


class OtherPlanOut(ma.Schema):
    payer_name = ma.fields.String(allow_none=True, metadata={
        "description": "The other plan's payer, as the clearinghouse names it"})
    payer_id = ma.fields.String(allow_none=True, metadata={
        "description": "Its payer id at the clearinghouse"})
    member_id = ma.fields.String(allow_none=True, metadata={
        "description": "The patient's member id with that payer"})
    primacy = ma.fields.String(validate=ma.validate.OneOf(PRIMACIES), metadata={
        "description": "Its place in paying claims; unknown when the order was not "
                       "determined"})
    begin = ma.fields.Date(allow_none=True, metadata={"description": "Coverage begins"})
    end = ma.fields.Date(allow_none=True, metadata={"description": "Coverage ends"})


class CobCheckOut(ma.Schema):
    coverage_id = ma.fields.UUID(required=True, metadata={"description": "The coverage checked"})
    route = ma.fields.String(required=True, metadata={"description": "The route asked"})
    checked_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "When the clearinghouse answered"})
    classification = ma.fields.String(required=True, metadata={
        "description": "The clearinghouse's status word: MemberFoundNoCob, "
                       "CoverageOverlapNoBenefitOverlap, CoverageOverlapExistsNotSubjectToCob, "
                       "CobInstanceExistsPrimacyUndetermined or "
                       "CobInstanceExistsPrimacyDetermined"})
    cob_required = ma.fields.Boolean(required=True, metadata={
        "description": "The plans overlap in a way that needs coordination of benefits"})
    primacy_determined = ma.fields.Boolean(required=True, metadata={
        "description": "The clearinghouse could tell which plan pays first"})
    coverage_overlap = ma.fields.Boolean(required=True, metadata={
        "description": "Another plan covers some of the same dates"})
    benefit_overlap = ma.fields.Boolean(required=True, metadata={
        "description": "Another plan covers some of the same benefits"})
    this_coverage_primacy = ma.fields.String(
        required=True, validate=ma.validate.OneOf(PRIMACIES),
        metadata={"description": "Where the checked coverage stands: primary when no other "
                                 "plan was found or no coordination is needed"})
    primary = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["this_coverage", "other_coverage",
                                                   "unknown"]),
        metadata={"description": "Which plan pays first"})
    other_coverages = ma.fields.List(ma.fields.Nested(OtherPlanOut), required=True, metadata={
        "description": "The other plans the patient holds (member ids are never logged)"})
