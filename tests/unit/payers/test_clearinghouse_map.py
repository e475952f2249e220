"""The clearinghouse JSON reply mapped straight into the decoded 271 structure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from payers.adapters.clearinghouse.errors import refusals
from payers.adapters.clearinghouse.map import ReplyShapeError, to_271
from payers.x12.summary import summarize
from payers.x12.x271 import Eligibility271
from tests.unit.payers.builders import ACTIVE, FIRST, LAST, query


def _decode(body: dict[str, Any]) -> Eligibility271:
    return to_271(body, query(ACTIVE), trace_originator="9COVERWATC")


def _body(**extra: Any) -> dict[str, Any]:
    return {"controlNumber": "000000041",
            "subscriber": {"memberId": ACTIVE, "firstName": FIRST, "lastName": LAST},
            "payer": {"name": "Tidewater Health", "payorIdentification": "TIDE01"}, **extra}


def test_benefits_with_codes_amounts_and_a_related_entity_are_mapped() -> None:
    answer = _decode(_body(
        planDateInformation={"plan": "20260101-20261231"},
        benefitsInformation=[
            {"code": "1", "serviceTypeCodes": ["30"], "planCoverage": "Gold * Plan\t2026"},
            {"code": "B", "coverageLevelCode": "IND", "serviceTypeCodes": ["MH", "A6"],
             "timeQualifierCode": "27", "benefitAmount": "30.00",
             "inPlanNetworkIndicatorCode": "Y", "authOrCertIndicator": "Y",
             "additionalInformation": [{"description": "Precert ~ required"}]},
            {"code": "A", "serviceTypeCodes": ["MH"], "benefitPercent": "0.25",
             "inPlanNetworkIndicatorCode": "N"},
            {"code": "U", "serviceTypeCodes": ["MH"], "benefitsRelatedEntity": {
                "entityIdentifier": "Third-Party Administrator", "entityName": "Calmwater BH",
                "entityIdentificationValue": "CALM01",
                "contactInformation": {"contacts": [
                    {"communicationMode": "Telephone", "communicationNumber": "8005550123"}]}}},
        ]))
    s = summarize(answer)

    assert s.active is True
    assert s.plan.name == "Gold * Plan 2026"  # an X12 delimiter kept; a control character not
    assert s.in_network.copay == Decimal(30)
    assert s.out_of_network.coinsurance == Decimal("0.25")
    assert s.auth_required is True
    assert s.messages == ["Precert ~ required"]
    assert s.carve_out is not None
    assert (s.carve_out.payer_id, s.carve_out.phone) == ("CALM01", "8005550123")
    assert (str(s.plan.begin), str(s.plan.end)) == ("2026-01-01", "2026-12-31")


def test_aaa_coded_errors_are_rejections_in_the_loop_they_name() -> None:
    answer = _decode(_body(errors=[
        {"code": "75", "description": "Subscriber not found",
         "followupAction": "Please Correct and Resubmit", "location": "Loop 2100C"}]))

    assert [(r.code, r.follow_up, r.loop) for r in summarize(answer).rejections] == [
        ("75", "C", "2100C")]


def test_a_payer_level_aaa_error_ends_the_reply_at_the_payer() -> None:
    answer = _decode({"controlNumber": "000000041", "errors": [
        {"code": "42", "followupAction": "Please Resubmit Original Transaction",
         "location": "Loop 2100A"}]})

    assert [(r.code, r.follow_up, r.retryable) for r in summarize(answer).rejections] == [
        ("42", "P", True)]


def test_errors_without_aaa_codes_are_refusals() -> None:
    assert refusals({"errors": [{"code": "INVALID_NPI"}, {"code": "72"}]}) == ["INVALID_NPI"]


@pytest.mark.parametrize("body", [
    {"controlNumber": "000000041"},
    _body(benefitsInformation=[{"code": "not a code"}]),
    _body(benefitsInformation=[{"code": "B", "benefitAmount": "twenty"}]),
    _body(benefitsInformation="many"),
])
def test_a_reply_of_the_wrong_shape_is_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ReplyShapeError):
        _decode(body)


def test_payer_messages_and_names_are_kept_whole() -> None:
    message = ("Outpatient psychotherapy after the 12th visit of a calendar year requires a "
               "treatment plan on file: call the behavioral health line; visits: 30* / yr")
    answer = _decode(_body(
        subscriber={"memberId": ACTIVE, "firstName": FIRST, "lastName": "Núñez-Quarrowby"},
        benefitsInformation=[{"code": "1", "serviceTypeCodes": ["MH"],
                              "additionalInformation": [{"description": message}]}]))

    assert len(message) > 80  # longer than an X12 MSG01 may be
    assert summarize(answer).messages == [message]
    name = answer.levels("C")[0].party.name
    assert name is not None and name.last_or_organization == "Núñez-Quarrowby"


def test_the_echo_is_the_replys_own_control_number_and_its_traces() -> None:
    answer = _decode(_body(controlNumber="000000777", subscriberTraceNumbers=[
        {"traceTypeCode": "1", "referenceIdentification": "CH-51-0093",
         "originatingCompanyIdentifier": "9CLEARHOUS"},
        {"traceTypeCode": "2", "referenceIdentification": "CH-270-4411",
         "originatingCompanyIdentifier": "9CLEARHOUS"}]))

    traces = [(t.trace_type, t.reference, t.originator)
              for t in answer.levels("C")[0].traces]
    assert traces == [("2", "000000777", "9COVERWATC"), ("1", "CH-51-0093", "9CLEARHOUS")]
    assert (answer.reference, answer.control_number) == ("000000777", "000000777")
