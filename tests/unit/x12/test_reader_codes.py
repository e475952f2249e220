"""Code tables: StrEnums whose members compare equal to their codes and carry descriptions."""

from __future__ import annotations

import pytest

from payers.x12.codes import (
    BEHAVIORAL_HEALTH_SERVICE_TYPES,
    AaaReason,
    EligibilityCode,
    FollowUpAction,
    ServiceType,
    TimePeriod,
)


@pytest.mark.parametrize(("table", "code", "description"), [
    (ServiceType, "A6", "Psychotherapy"),
    (ServiceType, "CF", "Mental Health Provider - Outpatient"),
    (ServiceType, "MH", "Mental Health"),
    (AaaReason, "42", "Unable to Respond at Current Time"),
    (AaaReason, "72", "Invalid/Missing Subscriber/Insured ID"),
    (FollowUpAction, "R", "Resubmission Allowed"),
    (EligibilityCode, "U", "Contact Following Entity for Eligibility or Benefit Information"),
    (TimePeriod, "29", "Remaining"),
])
def test_codes_describe_themselves(table, code, description):
    member = table(code)
    assert member == code
    assert member.description == description
    assert table.describe(code) == description


def test_unknown_codes_are_none_rather_than_an_error():
    assert AaaReason.lookup("ZZ") is None
    assert ServiceType.describe("not-a-code") is None


def test_members_are_strings_usable_as_dictionary_keys():
    assert {ServiceType.PSYCHOTHERAPY: 1}["A6"] == 1
    assert ServiceType.MENTAL_HEALTH.value == "MH"


def test_behavioral_health_service_types_cover_the_therapy_codes():
    assert {"MH", "A4", "A6", "A8", "CF", "AI"} <= BEHAVIORAL_HEALTH_SERVICE_TYPES
    assert "30" not in BEHAVIORAL_HEALTH_SERVICE_TYPES
    assert all(ServiceType.lookup(c) is not None for c in BEHAVIORAL_HEALTH_SERVICE_TYPES)
