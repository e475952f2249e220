"""Patient and Coverage under /fhir: read and search (GET and POST _search), paging by
Bundle.link next, tenancy, keys, and no member id in a URL or a log line."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support import logcapture
from tests.support.builders import bearer, create_coverage, create_patient, new_key, new_practice
from tests.support.fhir import issues, parsed
from tests.support.people import PEOPLE
from tests.support.server import serving

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def key(app) -> str:
    return new_practice(app)[1]


@pytest.fixture
def patient(client, key) -> dict:
    return create_patient(client, key, PEOPLE[0], external_id="EHR-100")


def search(client, key, kind: str, **params) -> object:
    response = client.get(f"/fhir/{kind}", query_string=params, headers=bearer(key))
    assert response.status_code == 200, response.get_data(as_text=True)
    return parsed(response, "Bundle")


def ids(bundle) -> list[str]:
    return [entry.resource.id for entry in bundle.entry or []]


def test_a_patient_reads_as_fhir_with_the_ehrs_id(client, key, patient):
    found = parsed(client.get(f"/fhir/Patient/{patient['id']}", headers=bearer(key)),
                   "Patient")

    person = PEOPLE[0]
    assert found.id == patient["id"]
    assert (found.name[0].family, found.name[0].given) == (person.last_name,
                                                           [person.first_name])
    assert str(found.birthDate) == person.birth_date and found.gender == "female"
    assert found.identifier[0].value == "EHR-100"
    assert found.identifier[0].type.coding[0].code == "MR"
    assert found.meta.versionId == "1"


def test_a_coverage_reads_with_its_member_id_payor_and_subscriber(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0],
                               group_number="GRP-77")

    found = parsed(client.get(f"/fhir/Coverage/{coverage['id']}", headers=bearer(key)),
                   "Coverage")

    assert found.status == "active" and found.order == 1 and found.network == "in"
    assert found.subscriberId == PEOPLE[0].member_id
    assert found.identifier[0].value == PEOPLE[0].member_id
    assert found.beneficiary.reference == f"Patient/{patient['id']}"
    assert found.subscriber.reference == f"Patient/{patient['id']}"
    assert found.relationship.coding[0].code == "self"
    assert (found.payor[0].identifier.system, found.payor[0].identifier.value) == \
        ("urn:coverwatch:payer", "sandbox")
    assert found.class_fhir[0].value == "GRP-77"


def test_a_dependents_coverage_contains_its_subscriber(client, key):
    child = create_patient(client, key, PEOPLE[3])
    coverage = create_coverage(client, key, child["id"], PEOPLE[3], relationship="child",
                               subscriber=PEOPLE[0].subscriber_json())

    found = parsed(client.get(f"/fhir/Coverage/{coverage['id']}", headers=bearer(key)),
                   "Coverage")

    assert found.relationship.coding[0].code == "child"
    assert found.subscriber.reference == "#subscriber"
    subscriber = found.contained[0]
    assert subscriber.get_resource_type() == "RelatedPerson"
    assert subscriber.name[0].family == PEOPLE[0].last_name
    assert found.subscriberId == PEOPLE[0].member_id


def test_an_ended_coverage_is_cancelled_with_its_end(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    client.patch(f"/v1/coverages/{coverage['id']}", json={"status": "ended",
                                                          "end_date": "2026-10-31"},
                 headers=bearer(key))

    found = parsed(client.get(f"/fhir/Coverage/{coverage['id']}", headers=bearer(key)),
                   "Coverage")

    assert found.status == "cancelled" and str(found.period.end) == "2026-10-31"


def test_patients_are_searched_by_identifier_with_or_without_a_system(client, key, patient):
    create_patient(client, key, PEOPLE[1], external_id="EHR-200")

    assert ids(search(client, key, "Patient", identifier="EHR-100")) == [patient["id"]]
    assert ids(search(client, key, "Patient", identifier="urn:ehr:mrn|EHR-100")) == \
        [patient["id"]]
    assert ids(search(client, key, "Patient", identifier="EHR-999")) == []


def test_coverages_are_searched_by_patient_subscriber_id_and_payor(client, key, patient):
    mine = create_coverage(client, key, patient["id"], PEOPLE[0])
    other = create_patient(client, key, PEOPLE[1])
    theirs = create_coverage(client, key, other["id"], PEOPLE[1])

    assert ids(search(client, key, "Coverage", patient=f"Patient/{patient['id']}")) == \
        [mine["id"]]
    assert ids(search(client, key, "Coverage", **{"subscriber-id": PEOPLE[1].member_id})) \
        == [theirs["id"]]
    assert set(ids(search(client, key, "Coverage", payor="sandbox"))) == {mine["id"],
                                                                          theirs["id"]}
    assert ids(search(client, key, "Coverage", payor="sandbox-bho")) == []


def test_post_search_takes_a_form_and_its_links_carry_no_member_id(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])

    response = client.post("/fhir/Coverage/_search", headers=bearer(key),
                           data={"subscriber-id": PEOPLE[0].member_id})

    found = parsed(response, "Bundle")
    assert ids(found) == [coverage["id"]]
    for link in found.link:
        assert PEOPLE[0].member_id not in link.url
        assert set(parse_qs(urlsplit(link.url).query)) == {"_page"}


def test_search_pages_follow_bundle_link_next_to_the_end(client, key, clock):
    made = []
    for person in PEOPLE[:5]:
        owner = create_patient(client, key, person)
        made.append(create_coverage(client, key, owner["id"], person)["id"])
        clock.advance(seconds=1)

    seen, pages = [], 0
    page = search(client, key, "Coverage", payor="sandbox", _count="2")
    while True:
        pages += 1
        seen.extend(ids(page))
        following = [link.url for link in page.link if link.relation == "next"]
        if not following:
            break
        response = client.get(following[0], headers=bearer(key))
        page = parsed(response, "Bundle")

    assert seen == made and pages == 3


def test_a_page_link_expires_and_belongs_to_its_search(client, key, clock, patient):
    for person in PEOPLE[1:3]:
        create_patient(client, key, person)
    first = search(client, key, "Patient", _count="1")
    following = next(link.url for link in first.link if link.relation == "next")
    token = parse_qs(urlsplit(following).query)["_page"][0]

    elsewhere = client.get("/fhir/Coverage", query_string={"_page": token},
                           headers=bearer(key))
    with_more = client.get("/fhir/Patient", query_string={"_page": token, "identifier": "x"},
                           headers=bearer(key))
    clock.advance(hours=2)
    expired = client.get(following, headers=bearer(key))

    for response in (elsewhere, with_more, expired):
        assert issues(response, 400)[0].code == "invalid"


@pytest.mark.parametrize("query", [{"name": "x"}, {"_count": "0"}, {"_count": "500"},
                                   {"patient": "Group/1"}, {"identifier": ["a", "b"]},
                                   {"payor": "urn:other|sandbox"}])
def test_unknown_or_unreadable_search_parameters_are_400(client, key, query):
    kind = "Patient" if "name" in query else "Coverage"
    response = client.get(f"/fhir/{kind}", query_string=query, headers=bearer(key))
    assert issues(response, 400)[0].code == "invalid"


def test_a_search_form_of_another_type_is_415(client, key):
    response = client.post("/fhir/Coverage/_search", data="{}", headers={
        **bearer(key), "Content-Type": "application/json"})
    assert issues(response, 415)[0].code == "not-supported"


def test_another_practices_records_are_404_and_never_listed(app, client, key, patient):
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    other = new_practice(app, name="Elsewhere Therapy")[1]

    for path in (f"/fhir/Patient/{patient['id']}", f"/fhir/Coverage/{coverage['id']}"):
        assert issues(client.get(path, headers=bearer(other)), 404)[0].code == "not-found"
    assert ids(search(client, other, "Coverage", payor="sandbox")) == []
    assert ids(search(client, other, "Patient", identifier="EHR-100")) == []


@pytest.mark.parametrize("path", ["/fhir/Patient/not-a-uuid", "/fhir/Observation/1",
                                  "/fhir/CoverageEligibilityResponse/"
                                  "00000000-0000-4000-8000-000000000000"])
def test_what_does_not_exist_is_404_as_an_operation_outcome(client, key, path):
    assert issues(client.get(path, headers=bearer(key)), 404)[0].code == "not-found"


def test_without_a_key_reads_are_401_and_with_a_write_only_key_403(app, client, patient):
    response = client.get(f"/fhir/Patient/{patient['id']}")
    assert issues(response, 401)[0].code == "login"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    practice_id = new_practice(app, name="Writers Only")[0]
    writer = new_key(app, practice_id, {"write"})
    assert issues(client.get("/fhir/Patient", headers=bearer(writer)), 403)[0].code == \
        "forbidden"


def test_no_log_line_carries_the_query_string_of_a_search(app, client, key, patient):
    create_coverage(client, key, patient["id"], PEOPLE[0])
    logcapture.take()

    with serving(app) as base:
        answered = requests.get(f"{base}/fhir/Coverage", headers=bearer(key), timeout=10,
                                params={"subscriber-id": PEOPLE[0].member_id})

    lines = logcapture.take()
    assert answered.status_code == 200
    assert "/fhir/Coverage" in lines
    assert PEOPLE[0].member_id not in lines and "subscriber-id" not in lines
