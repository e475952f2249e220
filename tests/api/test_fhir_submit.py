"""$submit over HTTP against the simulated payer served as a CORE endpoint: active, inactive,
rejected (AAA) and timed-out members; contained coverages matched or created; malformed and
invalid requests as OperationOutcome."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.support.builders import bearer, create_coverage, create_patient, new_key, new_practice
from tests.support.fhir import (
    app_with_served_payer,
    contained_coverage,
    contained_patient,
    eligibility_request,
    fhir_headers,
    issues,
    parsed,
)
from tests.support.people import PEOPLE

SUBMIT = "/fhir/CoverageEligibilityRequest/$submit"
NETWORK = "http://terminology.hl7.org/CodeSystem/benefit-network"


@pytest.fixture
def app(db_url, clock) -> Iterator[Flask]:
    with app_with_served_payer(db_url, clock) as application:
        yield application


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


def ours(client, key, member_id: str) -> str:
    patient = create_patient(client, key, PEOPLE[0])
    return create_coverage(client, key, patient["id"], PEOPLE[0], member_id=member_id)["id"]


def submit(client, key, body: dict[str, Any]):
    return client.post(SUBMIT, data=json.dumps(body), headers=fhir_headers(key))


def submitted(client, key, coverage_id: str, **extra: Any) -> Any:
    response = submit(client, key, eligibility_request(f"Coverage/{coverage_id}", **extra))
    assert response.status_code == 200, response.get_data(as_text=True)
    return parsed(response, "CoverageEligibilityResponse")


def benefits(item: Any) -> dict[str, Any]:
    """An item's benefits by their X12 EB01 code."""
    return {next(c.code for c in b.type.coding if "1390" in c.system): b for b in item.benefit}


def test_an_active_member_answers_in_force_with_mental_health_benefits(client, key):
    coverage_id = ours(client, key, "ZZT0000002")

    answer = submitted(client, key, coverage_id, servicedDate="2026-11-10")

    assert answer.outcome == "complete" and answer.error is None
    assert answer.request.reference == f"CoverageEligibilityRequest/{answer.id}"
    assert str(answer.servicedDate) == "2026-11-10"
    insurance = answer.insurance[0]
    assert insurance.coverage.reference == f"Coverage/{coverage_id}"
    assert insurance.inforce is True
    assert (str(insurance.benefitPeriod.start), str(insurance.benefitPeriod.end)) == \
        ("2026-01-01", "2026-12-31")
    items = {item.network.coding[0].code: item for item in insurance.item}
    assert items["in"].category.coding[0].code == "MH"
    assert items["in"].authorizationRequired is False
    found = benefits(items["in"])
    assert found["B"].allowedMoney.value == Decimal(25)
    assert found["A"].allowedUnsignedInt == 10
    deductible = found["C"]
    assert deductible.allowedMoney.value - deductible.usedMoney.value == Decimal("125.50")
    out_of_pocket = found["G"]
    assert out_of_pocket.allowedMoney.value - out_of_pocket.usedMoney.value == Decimal(2200)
    visits = found["F"]
    assert (visits.allowedUnsignedInt, visits.allowedUnsignedInt - visits.usedUnsignedInt) == \
        (20, 8)
    assert benefits(items["out"])["A"].allowedUnsignedInt == 40
    assert "F" not in benefits(items["out"])


def test_a_member_needing_authorization_says_so_on_the_in_network_item(client, key):
    answer = submitted(client, key, ours(client, key, "ZZT0000003"))

    items = {item.network.coding[0].code: item for item in answer.insurance[0].item}
    assert items["in"].authorizationRequired is True


def test_an_inactive_member_is_not_in_force(client, key):
    answer = submitted(client, key, ours(client, key, "ZZT0000005"))

    assert answer.outcome == "complete" and answer.error is None
    assert answer.insurance[0].inforce is False
    assert str(answer.insurance[0].benefitPeriod.end) == "2025-12-31"


def outcome_of(answer: Any) -> Any:
    """The OperationOutcome the response contains, found by the reference it carries."""
    reference = answer.extension[0].valueReference.reference
    return next(c for c in answer.contained if f"#{c.id}" == reference)


def test_a_rejected_member_answers_the_aaa_code_and_the_front_desk_action(client, key):
    answer = submitted(client, key, ours(client, key, "ZZT0000072"))

    assert answer.outcome == "error"
    code = answer.error[0].code
    assert (code.coding[0].system, code.coding[0].code) == \
        ("https://codesystem.x12.org/005010/901", "72")
    assert "The member ID was not recognized — check the card" in code.text
    assert answer.insurance[0].inforce is None
    issue = outcome_of(answer).issue[0]
    assert issue.severity == "error" and issue.code == "processing"
    assert issue.diagnostics == code.text and answer.disposition == code.text


def test_a_payer_at_fault_answers_a_transient_error_to_try_again(client, key):
    answer = submitted(client, key, ours(client, key, "ZZT0000504"))

    assert answer.outcome == "error"
    assert [c.code for c in answer.error[0].code.coding] == ["PAYER_TIMEOUT"]
    issue = outcome_of(answer).issue[0]
    assert issue.code == "transient" and "try again" in issue.diagnostics


def test_submitting_again_soon_after_a_timeout_is_409_with_retry_after(client, key):
    coverage_id = ours(client, key, "ZZT0000504")
    submitted(client, key, coverage_id)

    again = submit(client, key, eligibility_request(f"Coverage/{coverage_id}"))

    found = issues(again, 409)
    assert found[0].details.coding[0].code == "PAYER_RESEND_TOO_SOON"
    assert int(again.headers["Retry-After"]) > 0


def test_a_contained_coverage_and_patient_are_created_then_matched(client, key):
    person = PEOPLE[1]
    body = eligibility_request("#cov", contained=[
        contained_patient(person, "EHR-4411"), contained_coverage("ZZT0000001", "sandbox")])

    first = parsed(submit(client, key, body), "CoverageEligibilityResponse")
    second = parsed(submit(client, key, body), "CoverageEligibilityResponse")

    assert first.insurance[0].inforce is True
    assert second.insurance[0].coverage.reference == first.insurance[0].coverage.reference
    assert second.patient.reference == first.patient.reference
    patients = client.get("/v1/patients", query_string={"external_id": "EHR-4411"},
                          headers=bearer(key)).json
    assert patients["total"] == 1
    patient = patients["items"][0]
    assert (patient["first_name"], patient["last_name"], patient["birth_date"]) == \
        (person.first_name, person.last_name, person.birth_date)
    assert first.patient.reference == f"Patient/{patient['id']}"


def test_a_contained_coverage_of_a_patient_of_ours_is_added_to_that_patient(client, key):
    patient = create_patient(client, key, PEOPLE[2])
    body = eligibility_request("#cov", patient=f"Patient/{patient['id']}", contained=[
        contained_coverage("ZZT0000001", "sandbox", beneficiary=f"Patient/{patient['id']}")])

    answer = parsed(submit(client, key, body), "CoverageEligibilityResponse")

    listed = client.get(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key)).json
    assert [c["member_id"] for c in listed["items"]] == ["ZZT0000001"]
    assert answer.insurance[0].coverage.reference == f"Coverage/{listed['items'][0]['id']}"


def test_a_second_card_needs_its_order_or_clashes_with_the_primary(client, key):
    patient = create_patient(client, key, PEOPLE[2])
    create_coverage(client, key, patient["id"], PEOPLE[2], member_id="ZZT0000001")
    second = contained_coverage("ZZT0000357", "sandbox", beneficiary=f"Patient/{patient['id']}")

    clash = submit(client, key, eligibility_request(
        "#cov", patient=f"Patient/{patient['id']}", contained=[second]))
    ordered = submit(client, key, eligibility_request(
        "#cov", patient=f"Patient/{patient['id']}", contained=[{**second, "order": 2}]))

    found = issues(clash, 409)
    assert (found[0].details.coding[0].system, found[0].details.coding[0].code) == \
        ("urn:coverwatch:error", "COVERAGE_PRIORITY_TAKEN")
    assert parsed(ordered, "CoverageEligibilityResponse").insurance[0].inforce is True
    listed = client.get(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key)).json
    assert [c["priority"] for c in listed["items"]] == ["primary", "secondary"]


def test_a_malformed_resource_is_400_naming_where(client, key):
    body = eligibility_request("#cov", contained=[
        {**contained_patient(PEOPLE[0], "EHR-1"), "birthDate": "1984-13-45"},
        contained_coverage("ZZT0000001", "sandbox")])

    found = issues(submit(client, key, body), 400)

    assert [i.expression for i in found] == [["CoverageEligibilityRequest.contained[0]."
                                              "birthDate"]]
    assert "1984-13-45" not in found[0].diagnostics


def test_a_body_that_is_no_eligibility_request_is_400(client, key):
    found = issues(client.post(SUBMIT, data="{not json", headers=fhir_headers(key)), 400)
    assert found[0].code == "structure"
    patient = {"resourceType": "Patient"}
    assert issues(submit(client, key, patient), 400)[0].code == "structure"


def test_fields_our_schemas_refuse_are_422_at_their_place_in_the_request(client, key):
    coverage = {**contained_coverage("ZZT0000001", "no-such-payer"), "subscriberId": "A B!"}
    body = eligibility_request("#cov", contained=[contained_patient(PEOPLE[0], "EHR-2"),
                                                  coverage])

    found = issues(submit(client, key, body), 422)

    where = {i.expression[0] for i in found}
    assert where == {"CoverageEligibilityRequest.contained[1].identifier"}
    unknown_payer = eligibility_request("#cov", contained=[
        contained_patient(PEOPLE[0], "EHR-2"), contained_coverage("ZZT0000001", "nowhere")])
    refused = issues(submit(client, key, unknown_payer), 422)
    assert refused[0].expression == ["CoverageEligibilityRequest.contained[1].payor[0]"]


@pytest.mark.parametrize(("change", "where"), [
    ({"purpose": ["auth-requirements"]}, "CoverageEligibilityRequest.purpose"),
    ({"insurance": []}, "CoverageEligibilityRequest.insurance"),
    ({"insurance": [{"coverage": {"reference": "Coverage/not-an-id"}}]},
     "CoverageEligibilityRequest.insurance[0].coverage"),
    ({"insurance": [{"coverage": {"reference": "#missing"}}]},
     "CoverageEligibilityRequest.insurance[0].coverage"),
    ({"item": [{"category": {"coding": [{"system": "urn:other", "code": "MH"}]}}]},
     "CoverageEligibilityRequest.item[0].category"),
    ({"servicedDate": "1999-01-01"}, "CoverageEligibilityRequest.servicedDate"),
])
def test_requests_this_server_cannot_answer_are_422_naming_where(client, key, change, where):
    body = {**eligibility_request(f"Coverage/{ours(client, key, 'ZZT0000001')}"), **change}

    found = issues(submit(client, key, body), 422)

    assert found[0].expression == [where]


def test_a_contained_patient_without_identifier_is_422(client, key):
    patient = {k: v for k, v in contained_patient(PEOPLE[0], "x").items() if k != "identifier"}
    body = eligibility_request("#cov", contained=[patient,
                                                  contained_coverage("ZZT0000001", "sandbox")])

    found = issues(submit(client, key, body), 422)

    assert found[0].expression == ["CoverageEligibilityRequest.contained[0].identifier"]


def test_another_practices_coverage_is_404(app, client, key):
    coverage_id = ours(client, key, "ZZT0000001")
    other = new_practice(app, name="Elsewhere Therapy")[1]

    found = issues(submit(client, other, eligibility_request(f"Coverage/{coverage_id}")), 404)

    assert found[0].code == "not-found"


def test_submit_needs_a_key_with_the_write_scope(app, client, key):
    practice_id = new_practice(app, name="Read Only Therapy")[0]
    reader = new_key(app, practice_id, {"read"})
    body = json.dumps(eligibility_request("Coverage/00000000-0000-4000-8000-000000000000"))

    missing = client.post(SUBMIT, data=body, headers={"Content-Type": "application/fhir+json"})
    assert issues(missing, 401)[0].code == "login"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert issues(client.post(SUBMIT, data=body, headers=fhir_headers(reader)), 403)[0].code \
        == "forbidden"


def test_a_body_that_is_not_json_is_415(client, key):
    response = client.post(SUBMIT, data="purpose=benefits",
                           headers={**bearer(key), "Content-Type": "text/plain"})
    assert issues(response, 415)[0].code == "not-supported"


def test_the_submitted_check_is_read_and_searched_as_fhir(client, key, clock):
    coverage_id = ours(client, key, "ZZT0000001")
    answer = submitted(client, key, coverage_id)
    patient = answer.patient.reference

    read = parsed(client.get(f"/fhir/CoverageEligibilityResponse/{answer.id}",
                             headers=bearer(key)), "CoverageEligibilityResponse")
    asked = parsed(client.get(f"/fhir/CoverageEligibilityRequest/{answer.id}",
                              headers=bearer(key)), "CoverageEligibilityRequest")

    assert read.insurance[0].inforce is True and read.id == answer.id
    assert asked.insurance[0].coverage.reference == f"Coverage/{coverage_id}"
    assert [c.category.coding[0].code for c in asked.item] == ["MH"]
    today = clock().date().isoformat()
    for query in ({"patient": patient}, {"request": f"CoverageEligibilityRequest/{answer.id}"},
                  {"created": today}, {"created": [f"ge{today}", f"lt{today}T23:59:59Z"]}):
        found = parsed(client.get("/fhir/CoverageEligibilityResponse", query_string=query,
                                  headers=bearer(key)), "Bundle")
        assert [e.resource.id for e in found.entry] == [answer.id], query
    later = parsed(client.get("/fhir/CoverageEligibilityResponse",
                              query_string={"created": f"gt{today}"}, headers=bearer(key)),
                   "Bundle")
    assert later.entry is None


def test_another_practices_checks_are_404_and_never_listed(app, client, key):
    answer = submitted(client, key, ours(client, key, "ZZT0000001"))
    other = new_practice(app, name="Elsewhere Therapy")[1]

    for kind in ("CoverageEligibilityResponse", "CoverageEligibilityRequest"):
        response = client.get(f"/fhir/{kind}/{answer.id}", headers=bearer(other))
        assert issues(response, 404)[0].code == "not-found"
    for query in ({"patient": answer.patient.reference},
                  {"request": f"CoverageEligibilityRequest/{answer.id}"}, {}):
        found = parsed(client.get("/fhir/CoverageEligibilityResponse", query_string=query,
                                  headers=bearer(other)), "Bundle")
        assert found.entry is None
