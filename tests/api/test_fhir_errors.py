"""Faults under /fhir: a bug of ours is a 500 OperationOutcome with no detail and a scrubbed
traceback; a database out of reach is a 503 with Retry-After; 429 from the rate limit; no
body is read before the key is known."""

from __future__ import annotations

import json

from service import create_app
from tests.api.test_hostile_input import Untouched
from tests.conftest import PAYERS_FILE
from tests.support import logcapture
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.fhir import FHIR_JSON, eligibility_request, fhir_headers, issues
from tests.support.people import PEOPLE

FORM = "application/x-www-form-urlencoded"


def test_a_fault_of_ours_is_a_500_outcome_with_a_scrubbed_traceback(app):
    person = PEOPLE[5]

    def explode():
        raise RuntimeError(f"mapping failed for {person.birth_date}")

    # The endpoint's name puts the route in the FHIR blueprint, whose handlers answer it.
    app.add_url_rule("/fhir/boom", "fhir.boom", explode)
    start = logcapture.BUFFER.tell()

    response = app.test_client().get("/fhir/boom", headers={"X-Request-ID": "fhir-boom"})

    found = issues(response, 500)
    assert [(i.severity, i.code) for i in found] == [("fatal", "exception")]
    assert "mapping failed" not in response.get_data(as_text=True)
    logcapture.BUFFER.seek(start)
    errors = [line for line in map(json.loads, logcapture.BUFFER.read().splitlines())
              if line["level"] == "ERROR"]
    assert errors[0]["request_id"] == "fhir-boom"
    assert "mapping failed for [redacted]" in errors[0]["exc"]


def test_a_database_out_of_reach_is_503_with_retry_after(tmp_path, clock):
    app = create_app({"database_url": f"sqlite:///{tmp_path}/gone/coverwatch.db",
                      "payers_file": PAYERS_FILE}, clock=clock)
    response = app.test_client().get("/fhir/Patient", headers=bearer(
        "cw_4d39bfed5c63_6JxbV5ETq0nPp3kQ9wXy2bLr7uZa1cVd8eFg4hJk5mN"))
    app.extensions["coverwatch"].dispose()

    assert issues(response, 503)[0].code == "transient"
    assert response.headers["Retry-After"]


def test_too_many_live_checks_are_429_throttled(db_url, clock):
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                      "check_rate_per_minute": 1, "check_burst": 1}, clock=clock)
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000001")
    body = json.dumps(eligibility_request(f"Coverage/{coverage['id']}"))

    first = client.post("/fhir/CoverageEligibilityRequest/$submit", data=body,
                        headers=fhir_headers(key))
    forced = client.post("/v1/eligibility-checks", headers=bearer(key),
                         json={"coverage_id": coverage["id"], "force": True})
    limited = client.post("/fhir/CoverageEligibilityRequest/$submit",
                          data=json.dumps(eligibility_request(
                              f"Coverage/{coverage['id']}", service_types=("A6",))),
                          headers=fhir_headers(key))
    app.extensions["coverwatch"].dispose()

    assert (first.status_code, forced.status_code) == (200, 429)
    found = issues(limited, 429)
    assert found[0].code == "throttled"
    assert found[0].details.coding[0].code == "CHECK_RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0


def test_fhir_writes_and_searches_authenticate_before_reading_the_body(client):
    for path, content_type in (("/fhir/CoverageEligibilityRequest/$submit", FHIR_JSON),
                               ("/fhir/Coverage/_search", FORM)):
        body = Untouched(b"[" * 100_000)
        response = client.post(path, input_stream=body, content_length=100_000,
                               content_type=content_type)
        assert issues(response, 401)[0].code == "login"
        assert body.reads == 0, path
