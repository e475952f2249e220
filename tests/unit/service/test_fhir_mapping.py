"""The FHIR facade's mapping without a database: benefits as items, search parameters as
filters, a $submit request read, a stored check as a response."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest

from service.db.models import EligibilityCheck
from service.domain.errors import InvalidInput
from service.fhir import benefits, eligibility, search, submission

NOW = datetime(2026, 11, 2, 15, tzinfo=UTC)
NO_FIGURES = {"copay": None, "coinsurance": None, "deductible": {"total": None,
                                                                 "remaining": None},
              "out_of_pocket": {"total": None, "remaining": None}}


def summary(**changes) -> dict:
    found = {"active": True, "plan": {"name": "PLAN", "group_number": None,
                                      "begin": "2026-01-01", "end": "2026-12-31"},
             "in_network": {"copay": "25.00", "coinsurance": "0.125",
                            "deductible": {"total": "500.00", "remaining": None},
                            "out_of_pocket": {"total": None, "remaining": None}},
             "out_of_network": NO_FIGURES,
             "visit_limit": {"total": "20.5", "remaining": "8", "period": None},
             "auth_required": True, "carve_out": None, "messages": [], "rejections": []}
    found.update(changes)
    return found


def test_items_carry_only_the_figures_the_payer_gave_and_fractions_as_text():
    found = benefits.items(summary(), service_types="A6,MH", network="in")

    assert len(found) == 1  # no out-of-network figures: no item
    item = found[0]
    assert item["category"]["coding"][0]["code"] == "MH"
    assert item["authorizationRequired"] is True
    by_code = {b["type"]["coding"][-1]["code"]: b for b in item["benefit"]}
    assert by_code["A"]["allowedString"] == "12.5"
    assert "usedMoney" not in by_code["C"]
    assert (by_code["F"]["allowedString"], by_code["F"]["usedString"]) == ("20.5", "12.5")


def test_the_visit_limit_and_authorization_belong_to_the_coverages_network():
    found = benefits.items(summary(out_of_network=summary()["in_network"]),
                           service_types="30", network="out")

    inside, outside = found
    assert "authorizationRequired" not in inside and "F" not in str(inside["benefit"])
    assert outside["authorizationRequired"] is True
    assert inside["category"]["coding"][0]["code"] == "30"


def test_family_figures_are_an_item_of_the_family_unit():
    # Given a payer that names the family deductible beside the individual one, and a family
    # out-of-pocket maximum only
    shares = {"copay": "25.00", "coinsurance": None,
              "deductible": {"total": "500.00", "remaining": "100.00", "level": "individual",
                             "family": {"total": "1500.00", "remaining": "900.00"}},
              "out_of_pocket": {"total": "6000.00", "remaining": None, "level": "family",
                                "family": None}}
    found = benefits.items(summary(in_network=shares), service_types="MH", network="in")

    individual, family = found
    assert [i["unit"]["coding"][0]["code"] for i in found] == ["individual", "family"]
    assert individual["authorizationRequired"] is True
    assert "authorizationRequired" not in family
    kinds = {b["type"]["coding"][-1]["code"]: b for b in family["benefit"]}
    assert set(kinds) == {"C", "G"}
    assert kinds["C"]["allowedMoney"]["value"] == Decimal("1500.00")
    assert kinds["C"]["usedMoney"]["value"] == Decimal("600.00")
    assert "G" not in {b["type"]["coding"][-1]["code"] for b in individual["benefit"]}


def check(**values) -> EligibilityCheck:
    base = {"id": uuid.uuid4(), "coverage_id": uuid.uuid4(), "payer": "sandbox",
            "route": None, "service_types": "MH", "service_date": None,
            "provider_npi": "1234567893", "network_status": "in", "status": "pending",
            "summary": None, "error_code": None, "error_message": None,
            "started_at": NOW, "checked_at": None}
    return EligibilityCheck(**{**base, **values})


def test_a_pending_check_is_a_queued_response_without_inforce():
    found = eligibility.response(check(), patient_id=uuid.uuid4(), payer_name=lambda _: None)

    assert found.outcome == "queued" and found.insurance[0].inforce is None
    assert found.error is None and found.contained is None


def test_a_fault_is_a_transient_error_with_its_code_and_message():
    found = eligibility.response(check(status="error", error_code="PAYER_UNAVAILABLE",
                                       checked_at=NOW),
                                 patient_id=uuid.uuid4(), payer_name=lambda _: "Plan")

    assert found.outcome == "error"
    assert found.error[0].code.coding[0].code == "PAYER_UNAVAILABLE"
    assert found.contained[0].issue[0].code == "transient"
    assert found.insurer.display == "Plan"


@pytest.mark.parametrize(("values", "start", "end"), [
    (["2026-11-02"], datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)),
    (["ge2026-11-02", "lt2026-11-05"], datetime(2026, 11, 2, tzinfo=UTC),
     datetime(2026, 11, 5, tzinfo=UTC)),
    (["gt2026-11-02"], datetime(2026, 11, 3, tzinfo=UTC), None),
    (["le2026-11-02"], None, datetime(2026, 11, 3, tzinfo=UTC)),
    (["ge2026-11-02T10:00:00+01:00"], datetime(2026, 11, 2, 9, tzinfo=UTC), None),
])
def test_created_reads_as_a_half_open_range_of_instants(values, start, end):
    found = search.parse("CoverageEligibilityResponse", {"created": values}).filters

    assert found.get("changed_from") == start and found.get("changed_before") == end


@pytest.mark.parametrize("args", [
    {"created": ["yesterday"]}, {"created": ["2026-02-30"]}, {"patient": ["Group/1"]},
    {"request": ["CoverageEligibilityRequest/x"]}, {"_count": ["-1"]},
])
def test_unreadable_search_values_are_refused(args):
    with pytest.raises(InvalidInput):
        search.parse("CoverageEligibilityResponse", args)


def test_identifier_and_subscriber_id_must_agree_when_both_are_given():
    same = search.parse("Coverage", {"identifier": ["sys|ZX1"], "subscriber-id": ["ZX1"]})
    assert same.filters == {"member_id": "ZX1"}
    with pytest.raises(InvalidInput):
        search.parse("Coverage", {"identifier": ["ZX1"], "subscriber-id": ["ZX2"]})


def request_with(**extra) -> CoverageEligibilityRequest:
    body = {"resourceType": "CoverageEligibilityRequest", "status": "active",
            "purpose": ["validation"], "patient": {"reference": "#pat"},
            "created": "2026-11-02", "insurer": {"display": "x"},
            "insurance": [{"coverage": {"reference": "#cov"}}], **extra}
    return CoverageEligibilityRequest.model_validate(body)


CHILD = {"resourceType": "Patient", "id": "pat", "identifier": [{"value": "EHR-9"}],
         "name": [{"family": "Testchild", "given": ["Ada"]}], "gender": "other",
         "birthDate": "2015-04-01"}
PARENT = {"resourceType": "RelatedPerson", "id": "sub", "patient": {"reference": "#pat"},
          "name": [{"family": "Testparent", "given": ["Bo"]}], "gender": "male",
          "birthDate": "1980-02-02"}


def dependent(code: str = "child") -> dict:
    return {"resourceType": "Coverage", "id": "cov", "status": "active",
            "beneficiary": {"reference": "#pat"}, "subscriber": {"reference": "#sub"},
            "payor": [{"identifier": {"value": "sandbox"}}], "subscriberId": "ZZSUB1",
            "identifier": [{"value": "ZZDEP1"}], "order": 2,
            "relationship": {"coding": [{"code": code}]},
            "class": [{"type": {"coding": [{"code": "group"}]}, "value": "G-1"}]}


def test_a_dependents_contained_coverage_reads_with_its_subscriber():
    asked = submission.read(request_with(
        contained=[CHILD, PARENT, dependent("parent"),
                   {"resourceType": "Practitioner", "id": "doc", "identifier": [
                       {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1245319599"}]}],
        provider={"reference": "#doc"},
        servicedPeriod={"start": "2026-11-10T09:00:00Z"}))

    found = asked.contained
    assert found is not None and asked.coverage_id is None
    assert found.patient == {"last_name": "Testchild", "first_name": "Ada",
                             "birth_date": "2015-04-01", "gender": "U",
                             "external_id": "EHR-9"}
    assert found.coverage == {
        "payer": "sandbox", "member_id": "ZZDEP1", "relationship": "other",
        "priority": "secondary", "group_number": "G-1",
        "subscriber": {"last_name": "Testparent", "first_name": "Bo",
                       "birth_date": "1980-02-02", "gender": "M", "member_id": "ZZSUB1"}}
    assert found.coverage_path == "CoverageEligibilityRequest.contained[2]"
    assert (asked.provider_npi, asked.service_date) == ("1245319599", date(2026, 11, 10))


def test_a_dependent_without_a_contained_subscriber_is_refused_where_it_is():
    coverage = {**dependent(), "subscriber": {"reference": "Patient/1"}}
    with pytest.raises(InvalidInput) as refused:
        submission.read(request_with(contained=[CHILD, coverage]))
    assert list(refused.value.errors) == ["CoverageEligibilityRequest.contained[1].subscriber"]


def test_a_relationship_fhir_does_not_know_is_refused():
    with pytest.raises(InvalidInput) as refused:
        submission.read(request_with(contained=[CHILD, PARENT, dependent("cousin")]))
    assert list(refused.value.errors) == [
        "CoverageEligibilityRequest.contained[2].relationship"]


FACTS = {
    "in_network": {**summary()["in_network"], "tiers": [
        {"label": "HIGHEST BENEFIT", "copay": "0.00", "coinsurance": None,
         "deductible": {"total": "0.00", "remaining": None},
         "out_of_pocket": {"total": None, "remaining": None}},
        {"label": "NOTHING GIVEN", "copay": None, "coinsurance": None,
         "deductible": {"total": None, "remaining": None},
         "out_of_pocket": {"total": None, "remaining": None}}]},
    "telehealth": {"copay": "15.00", "coinsurance": "0.1", "places": ["02", "10"]},
    "provider_network": {"status": "out", "evidence": "PROVIDER IS OUT OF NETWORK"},
}


def _named(found: list[dict], text: str) -> dict:
    (item,) = [i for i in found if text in i.get("description", "")]
    return item


def test_each_other_tier_is_an_item_named_for_it_with_its_own_figures():
    found = benefits.items(summary(**FACTS), service_types="MH", network="in")

    tier = _named(found, "Benefit tier HIGHEST BENEFIT")
    assert tier["name"] == "HIGHEST BENEFIT"
    assert tier["network"]["coding"][0]["code"] == "in"
    by_code = {b["type"]["coding"][-1]["code"]: b for b in tier["benefit"]}
    assert (by_code["B"]["allowedMoney"]["value"], by_code["C"]["allowedMoney"]["value"]) == (
        Decimal("0.00"), Decimal("0.00"))
    assert not [i for i in found if i.get("name") == "NOTHING GIVEN"]  # no figures: no item
    # The standard tier's figures stay on the item without a name
    assert [i for i in found if "name" not in i][0]["benefit"][0]["allowedMoney"]["value"] \
        == Decimal("25.00")


def test_telehealth_figures_are_an_item_of_the_coverages_network_with_its_places():
    found = benefits.items(summary(**FACTS), service_types="MH", network="out")

    telehealth = _named(found, "Telehealth")
    assert telehealth["network"]["coding"][0]["code"] == "out"
    assert [m["coding"][0]["code"] for m in telehealth["modifier"]] == ["02", "10"]
    by_code = {b["type"]["coding"][-1]["code"]: b for b in telehealth["benefit"]}
    assert by_code["B"]["allowedMoney"]["value"] == Decimal("15.00")
    assert by_code["A"]["allowedUnsignedInt"] == 10


def test_the_providers_network_is_an_item_naming_the_provider_and_unknown_is_none():
    found = benefits.items(summary(**FACTS), service_types="MH", network="in",
                           provider_npi="1234567893")

    said = _named(found, "provider asked about")
    assert said["network"]["coding"][0]["code"] == "out"
    assert said["provider"]["identifier"]["value"] == "1234567893"
    assert "PROVIDER IS OUT OF NETWORK" in said["description"] and "benefit" not in said
    unknown = benefits.items(summary(provider_network={"status": "unknown", "evidence": None}),
                             service_types="MH", network="in")
    assert not [i for i in unknown if "provider asked about" in i.get("description", "")]


def test_a_response_with_every_new_fact_is_a_valid_r4_resource():
    answered = check(status="active", summary=summary(**FACTS), checked_at=NOW)

    found = eligibility.response(answered, patient_id=uuid.uuid4(), payer_name=lambda _: None)

    items = found.insurance[0].item
    assert {i.name for i in items if i.name} == {"HIGHEST BENEFIT"}
    assert any(i.modifier for i in items) and any(i.provider for i in items)
    assert type(found).model_validate(found.model_dump()).id == found.id
