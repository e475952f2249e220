"""CDS Hooks: discovery, appointment-book cards from the verdicts of /v1/visits/check, the EHR's
signed JWT (each way it can be wrong is a 401), and data read from the EHR's FHIR server."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest

from service import create_app
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.cds import (
    BASE,
    Ehr,
    appointment,
    coverage_bundle,
    hook_call,
    patient_resource,
)
from tests.support.openapi import CheckedClient
from tests.support.people import PEOPLE

BOOK = "/cds-services/appointment-book"


@pytest.fixture
def app(db_url, clock):
    # The EHR's FHIR server and JWK Set are local test servers (plain http, loopback).
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "log_level": "DEBUG", "cds_allow_private": True}, clock=clock)
    application.test_client_class = CheckedClient
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def ehr():
    return Ehr()


@pytest.fixture
def practice(app, client, ehr):
    """A practice that registered the EHR, and a client it knows as ehr-p1: coverage
    ZZT0000003 (the sandbox payer wants authorization for therapy), checked today, with an
    approved authorization for ten 90837 visits through 2026."""
    _, key = new_practice(app)
    registered = client.post("/v1/cds-clients", headers=bearer(key),
                             json={"issuer": ehr.issuer, "jwks": ehr.jwks})
    assert registered.status_code == 201, registered.json
    patient = create_patient(client, key, PEOPLE[0], external_id="ehr-p1")
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    checked = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                          headers=bearer(key))
    assert checked.json["status"] == "active"
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": "PA-77", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]})
    assert auth.status_code == 201, auth.json
    return {"key": key, "patient": patient, "coverage": coverage}


def book(client, ehr, clock, body, **claims):
    return client.post(BOOK, json=body, headers=ehr.headers(clock(), **claims))


def test_discovery_lists_appointment_book_and_patient_view_with_their_prefetch(client):
    answer = client.get("/cds-services")
    assert answer.status_code == 200
    services = {s["id"]: s for s in answer.json["services"]}
    assert {s["hook"] for s in services.values()} == {"appointment-book", "patient-view"}
    book_service = services["appointment-book"]
    assert book_service["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "coverage": "Coverage?patient={{context.patientId}}&status=active"}
    assert services["patient-view"]["prefetch"]["appointments"].startswith(
        "Appointment?patient={{context.patientId}}")
    assert all(s["title"] and s["description"] for s in services.values())


def test_three_appointments_answer_info_critical_and_critical_with_the_verdicts_reasons(
        client, ehr, clock, practice):
    # Given a covered 90837 visit, a 90834 visit no authorization on file covers, and a
    # 90837 visit after the authorization ends
    body = hook_call("ehr-p1", [
        appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 55, "90837"),
        appointment("ehr-p1", "2026-11-18T10:00:00-05:00", 45, "90834"),
        appointment("ehr-p1", "2027-01-05T10:00:00-05:00", 55, "90837")])
    # When the EHR calls appointment-book
    answer = book(client, ehr, clock, body)
    # Then each gets its card, with the verdict /v1/visits/check gives
    assert answer.status_code == 200, answer.json
    cards = answer.json["cards"]
    assert [c["indicator"] for c in cards] == ["info", "critical", "critical"]
    checks = [client.post("/v1/visits/check", headers=bearer(practice["key"]), json={
        "coverage_id": practice["coverage"]["id"], "date": day, "code": code,
        "minutes": minutes}).json
        for day, code, minutes in (("2026-11-16", "90837", 55), ("2026-11-18", "90834", 45),
                                   ("2027-01-05", "90837", 55))]
    for card, verdict in zip(cards, checks, strict=True):
        for reason in verdict["reasons"]:
            assert f"{reason['message']} ({reason['code']})" in card.get("detail", "")
        assert len(card["summary"]) <= 140 and card["uuid"]
        assert card["source"]["label"] == "Coverwatch insurance verification"
        links = {link["label"]: link["url"] for link in card["links"]}
        assert links["Open the client in Coverwatch"] == \
            f"http://localhost/app/clients/{practice['patient']['id']}"
        assert links["Check eligibility in Coverwatch"] == \
            f"http://localhost/app/coverages/{practice['coverage']['id']}"
    assert [v["status"] for v in checks] == ["covered", "not_covered", "not_covered"]
    assert "AUTH_EXPIRED" in cards[2]["detail"]
    assert cards[0]["summary"].startswith("Covered: 90837 on 2026-11-16")
    assert checks[0]["estimate"]["amount"] in cards[0]["detail"]


def test_minutes_that_do_not_fit_the_code_make_a_warning_card(client, ehr, clock, practice):
    body = hook_call("ehr-p1", [appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 40,
                                            "90837")])
    card = book(client, ehr, clock, body).json["cards"][0]
    assert card["indicator"] == "warning"
    assert "CPT_TIME_MISMATCH" in card["detail"]


def test_an_appointment_without_a_cpt_code_gets_a_card_saying_what_is_missing(
        client, ehr, clock, practice):
    body = hook_call("ehr-p1", [appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 55, None)])
    card = book(client, ehr, clock, body).json["cards"][0]
    assert card["indicator"] == "warning"
    assert "code" in card["detail"]


def test_a_cpt_code_in_the_extension_is_read_when_service_type_has_none(
        client, ehr, clock, practice):
    extension = [{"url": "https://coverwatch.dev/fhir/StructureDefinition/appointment-cpt",
                  "valueCode": "90837"}]
    body = hook_call("ehr-p1", [appointment("ehr-p1", "2027-01-05T10:00:00-05:00", 55, None,
                                            extension=extension)])
    card = book(client, ehr, clock, body).json["cards"][0]
    assert card["indicator"] == "critical" and "AUTH_EXPIRED" in card["detail"]


def test_a_new_client_is_added_from_the_prefetch_and_told_to_verify_eligibility(
        app, client, ehr, clock, practice):
    # Given a client the service has never seen, with their Patient and Coverage prefetched
    prefetch = {"patient": patient_resource(PEOPLE[1], "ehr-p2"),
                "coverage": coverage_bundle("ehr-p2", PEOPLE[1].member_id)}
    body = hook_call("ehr-p2", [appointment("ehr-p2", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")], prefetch=prefetch)
    # When the EHR books for them
    answer = book(client, ehr, clock, body)
    # Then they are added, with their coverage, and the card says eligibility is unverified,
    # suggesting an eligibility request
    card = answer.json["cards"][0]
    assert card["indicator"] == "warning" and "ELIGIBILITY_UNVERIFIED" in card["detail"]
    found = client.get("/v1/patients?external_id=ehr-p2", headers=bearer(practice["key"]))
    assert len(found.json["items"]) == 1
    patient_id = found.json["items"][0]["id"]
    coverages = client.get(f"/v1/patients/{patient_id}/coverages",
                           headers=bearer(practice["key"])).json["items"]
    assert [(c["payer"], c["member_id"]) for c in coverages] == [
        ("sandbox", PEOPLE[1].member_id)]
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "create" and card["selectionBehavior"] == "at-most-one"
    request = CoverageEligibilityRequest.model_validate(action["resource"])
    assert request.patient.reference == "Patient/ehr-p2"
    assert str(request.servicedDate) == "2026-11-16"
    # And a second call finds them instead of adding them again
    again = book(client, ehr, clock, body)
    assert again.json["cards"][0]["indicator"] == "warning"
    assert client.get("/v1/patients?external_id=ehr-p2",
                      headers=bearer(practice["key"])).json["total"] == 1


def test_without_prefetch_the_service_reads_the_ehrs_fhir_server_with_its_token(
        client, ehr, clock, practice, httpserver):
    # Given an EHR FHIR server that holds the client's Patient and Coverage
    token = {"Authorization": "Bearer ehr-access-token"}
    httpserver.expect_ordered_request("/Patient/ehr-p3", headers=token).respond_with_json(
        patient_resource(PEOPLE[2], "ehr-p3"))
    httpserver.expect_ordered_request(
        "/Coverage", query_string={"patient": "ehr-p3", "status": "active"},
        headers=token).respond_with_json(coverage_bundle("ehr-p3", PEOPLE[2].member_id))
    body = hook_call("ehr-p3", [appointment("ehr-p3", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")],
                     fhirServer=httpserver.url_for("/"),
                     fhirAuthorization={"access_token": "ehr-access-token",
                                        "token_type": "Bearer", "expires_in": 300,
                                        "scope": "user/Patient.read user/Coverage.read",
                                        "subject": "coverwatch"})
    # When the EHR books with no prefetch
    answer = book(client, ehr, clock, body)
    # Then the service read both and answered
    assert answer.status_code == 200, answer.json
    httpserver.check_assertions()
    assert "ELIGIBILITY_UNVERIFIED" in answer.json["cards"][0]["detail"]
    assert client.get("/v1/patients?external_id=ehr-p3",
                      headers=bearer(practice["key"])).json["total"] == 1


def test_a_fhir_server_that_fails_is_a_412(client, ehr, clock, practice, httpserver):
    httpserver.expect_request("/Patient/ehr-p4").respond_with_data("down", status=503)
    body = hook_call("ehr-p4", [appointment("ehr-p4", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")], fhirServer=httpserver.url_for("/"))
    answer = book(client, ehr, clock, body)
    assert answer.status_code == 412
    assert answer.json["error"] == "precondition_failed" and "503" in answer.json["message"]


def test_without_prefetch_or_fhir_server_an_unknown_client_is_a_412(client, ehr, clock,
                                                                    practice):
    body = hook_call("ehr-p5", [appointment("ehr-p5", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")])
    answer = book(client, ehr, clock, body)
    assert answer.status_code == 412 and "patient" in answer.json["message"]


def test_a_known_client_needs_no_prefetch_at_all(client, ehr, clock, practice):
    body = hook_call("ehr-p1", [appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")])
    assert book(client, ehr, clock, body).json["cards"][0]["indicator"] == "info"


def test_a_known_client_s_call_costs_the_statements_of_a_visit_check(app, client, ehr, clock,
                                                                     practice, monkeypatch):
    # The JWT id recorded and the patient read with its coverages' version stamps: one
    # statement on PostgreSQL (its WITH holds the INSERT), two on SQLite; with the verdict's
    # inputs in memory, no more (the stamps are not read again).
    wiring = app.extensions["coverwatch"]
    per_call = 1 if wiring.engine.dialect.name == "postgresql" else 2
    body = hook_call("ehr-p1", [appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 55,
                                            "90837")])
    assert book(client, ehr, clock, body).status_code == 200  # the inputs now in memory
    run: list[str] = []

    def counted(name, method):
        def run_one(*args, **kwargs):
            run.append(name)
            return method(*args, **kwargs)
        return run_one

    statements = wiring.cds_reads.statements
    for name in ("first", "all", "rowcount"):
        monkeypatch.setattr(statements, name, counted(name, getattr(statements, name)))
    answer = book(client, ehr, clock, body)
    counted_once = len(run)
    headers = ehr.headers(clock())
    first = client.post(BOOK, json=body, headers=headers)
    replay = client.post(BOOK, json=body, headers=headers)
    monkeypatch.undo()
    assert answer.json["cards"][0]["indicator"] == "info"
    assert counted_once == per_call, run
    assert first.status_code == 200
    assert replay.status_code == 401 and replay.json["errors"]["reason"] == "TOKEN_REPLAYED"
    # The replay is refused by that same statement, then once more against its client read
    # again (which might have been registered anew) before the 401.
    assert len(run) == 4 * per_call, run


def test_patient_view_shows_only_the_upcoming_appointments_with_a_problem(
        client, ehr, clock, practice):
    booked = {"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": {**appointment("ehr-p1", start, 55, "90837"), "status": "booked"}}
        for start in ("2026-10-05T10:00:00-05:00", "2026-11-16T10:00:00-05:00",
                      "2027-01-05T10:00:00-05:00")]}
    body = hook_call("ehr-p1", hook="patient-view", prefetch={"appointments": booked})
    answer = client.post("/cds-services/patient-view", json=body,
                         headers=ehr.headers(clock(), service="patient-view"))
    assert answer.status_code == 200, answer.json
    assert [c["indicator"] for c in answer.json["cards"]] == ["critical"]
    assert "2027-01-05" in answer.json["cards"][0]["summary"]


@pytest.mark.parametrize(("body", "field"), [
    ({"hook": "appointment-book", "context": {"patientId": "ehr-p1"}}, "hookInstance"),
    (hook_call("ehr-p1", []) | {"hook": "patient-view"}, "hook"),
    (hook_call("ehr-p1", None), "context.appointments"),
    (hook_call("ehr-p1", [appointment("ehr-p1", "2026-11-16T10:00:00-05:00", 55, "90837")]
               * 51), "context.appointments"),
    (hook_call("", []), "context.patientId"),
    (hook_call("ehr-p1", [{"resourceType": "Appointment", "status": "proposed"}]),
     "context.appointments.entry[0].resource"),
    (hook_call("ehr-p1", []) | {"context": {"patientId": "ehr-p1", "appointments": {
        "resourceType": "Bundle", "type": "collection", "entry": ["not an entry"]}}},
     "context.appointments"),
    (hook_call("ehr-p1", [], fhirAuthorization={"access_token": "t", "token_type": "Bearer",
                                                "expires_in": 1, "scope": "s",
                                                "subject": "s"}), "fhirServer"),
])
def test_malformed_hook_requests_are_422_naming_the_field(client, ehr, clock, practice, body,
                                                          field):
    answer = book(client, ehr, clock, body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]


def test_an_unknown_service_is_a_404(client, ehr, clock):
    answer = client.post("/cds-services/order-sign", json=hook_call("ehr-p1", []),
                         headers=ehr.headers(clock(), service="order-sign"))
    assert answer.status_code == 404


# --- the JWT: every way it can be wrong is a 401, with a stable reason -----------------------

def refused(answer, reason):
    assert answer.status_code == 401, answer.json
    assert answer.json["error"] == "unauthorized" and answer.json["errors"]["reason"] == reason
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    return True


def claims(ehr, clock, **changes):
    now = clock()
    return {"iss": ehr.issuer, "aud": f"{BASE}/appointment-book", "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()), "jti": "j-1", **changes}


def call_with(client, token):
    return client.post(BOOK, json=hook_call("ehr-p1", []),
                       headers={"Authorization": f"Bearer {token}"})


def test_a_call_without_a_jwt_is_a_401(client, practice):
    assert refused(client.post(BOOK, json=hook_call("ehr-p1", [])), "TOKEN_MISSING")


def test_an_unsigned_jwt_alg_none_is_a_401(client, ehr, clock, practice):
    token = jwt.encode(claims(ehr, clock), None, algorithm="none")
    assert refused(call_with(client, token), "ALGORITHM_REFUSED")


def test_an_hs256_jwt_keyed_with_the_public_key_is_a_401(client, ehr, clock, practice):
    # The classic confusion: the public key used as an HMAC secret.
    token = jwt.encode(claims(ehr, clock), "x" * 48, algorithm="HS256")
    assert refused(call_with(client, token), "ALGORITHM_REFUSED")


def test_a_jwt_for_another_audience_is_a_401(client, ehr, clock, practice):
    answer = book(client, ehr, clock, hook_call("ehr-p1", []),
                  aud="https://other.example/cds-services/appointment-book")
    assert refused(answer, "AUDIENCE_MISMATCH")


def test_an_expired_jwt_is_a_401(client, ehr, clock, practice):
    past = clock() - timedelta(minutes=10)
    answer = book(client, ehr, clock, hook_call("ehr-p1", []),
                  iat=int(past.timestamp()), exp=int((past + timedelta(minutes=5)).timestamp()))
    assert refused(answer, "TOKEN_EXPIRED")


def test_a_jwt_living_longer_than_five_minutes_is_a_401(client, ehr, clock, practice):
    answer = book(client, ehr, clock, hook_call("ehr-p1", []),
                  exp=int((clock() + timedelta(hours=1)).timestamp()))
    assert refused(answer, "TOKEN_TOO_LONG_LIVED")


def test_a_replayed_jti_is_a_401(client, ehr, clock, practice):
    token = ehr.token(clock())
    assert call_with(client, token).status_code == 200
    assert refused(call_with(client, token), "TOKEN_REPLAYED")


def test_a_jwt_without_a_jti_is_a_401(client, ehr, clock, practice):
    assert refused(book(client, ehr, clock, hook_call("ehr-p1", []), jti=None), "CLAIM_MISSING")


def test_an_unknown_issuer_is_a_401(client, clock, practice):
    stranger = Ehr(issuer="https://unknown-ehr.example")
    assert refused(book(client, stranger, clock, hook_call("ehr-p1", [])), "ISSUER_UNKNOWN")


def test_a_jwt_signed_by_another_key_is_a_401(client, ehr, clock, practice):
    impostor = Ehr(issuer=ehr.issuer, kid=ehr.kid)
    assert refused(book(client, impostor, clock, hook_call("ehr-p1", [])), "SIGNATURE_INVALID")


def test_a_jwt_naming_a_key_the_issuer_does_not_have_is_a_401(client, ehr, clock, practice):
    stranger_key = Ehr(issuer=ehr.issuer)
    assert refused(book(client, stranger_key, clock, hook_call("ehr-p1", [])), "KEY_UNKNOWN")


def test_a_deleted_client_is_refused_at_its_next_call(client, ehr, clock, practice):
    listed = client.get("/v1/cds-clients", headers=bearer(practice["key"])).json["items"]
    assert client.post(BOOK, json=hook_call("ehr-p1", []),
                       headers=ehr.headers(clock())).status_code == 200
    removed = client.delete(f"/v1/cds-clients/{listed[0]['id']}",
                            headers=bearer(practice["key"]))
    assert removed.status_code == 204
    assert refused(book(client, ehr, clock, hook_call("ehr-p1", [])), "ISSUER_UNKNOWN")


def test_an_rs384_ehr_with_keys_at_a_url_is_accepted_and_its_keys_fetched_once(
        app, client, clock, httpserver):
    # Given an EHR signing with RS384 that publishes its JWK Set at a URL
    rsa_ehr = Ehr(alg="RS384", issuer="https://rsa-ehr.example")
    httpserver.expect_request("/jwks.json").respond_with_json(rsa_ehr.jwks)
    _, key = new_practice(app)
    created = client.post("/v1/cds-clients", headers=bearer(key), json={
        "issuer": rsa_ehr.issuer, "jwks_url": httpserver.url_for("/jwks.json")})
    assert created.status_code == 201, created.json
    create_patient(client, key, PEOPLE[3], external_id="ehr-r1")
    # When it calls twice (the EHR has no card on file for the client)
    no_card = {"coverage": {"resourceType": "Bundle", "type": "searchset", "entry": []}}
    for _ in range(2):
        answer = client.post(BOOK, json=hook_call("ehr-r1", [], prefetch=no_card),
                             headers=rsa_ehr.headers(clock()))
        assert answer.status_code == 200, answer.json
    # Then its keys were fetched once, and the cards are for its practice's client
    assert len(httpserver.log) == 1
    assert answer.json["cards"][0]["summary"].startswith("No insurance on file")


def test_a_body_that_is_not_a_json_object_is_a_400(client, ehr, clock, practice):
    answer = client.post(BOOK, data="[1, 2", content_type="application/json",
                         headers=ehr.headers(clock()))
    assert answer.status_code == 400 and answer.json["error"] == "bad_request"


def test_an_issuer_registered_anew_with_new_keys_is_accepted_at_once(client, ehr, clock,
                                                                       practice):
    # Given a server process that has kept the EHR's client and keys
    assert book(client, ehr, clock, hook_call("ehr-p1", [])).status_code == 200
    old = client.get("/v1/cds-clients", headers=bearer(practice["key"])).json["items"][0]
    # When the EHR's client is deleted and registered again with a new key
    client.delete(f"/v1/cds-clients/{old['id']}", headers=bearer(practice["key"]))
    renewed = Ehr(issuer=ehr.issuer)
    assert client.post("/v1/cds-clients", headers=bearer(practice["key"]), json={
        "issuer": renewed.issuer, "jwks": renewed.jwks}).status_code == 201
    # Then the new key is accepted and the old one refused
    assert book(client, renewed, clock, hook_call("ehr-p1", [])).status_code == 200
    assert refused(book(client, ehr, clock, hook_call("ehr-p1", [])), "KEY_UNKNOWN")
