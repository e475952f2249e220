"""Hostile input is refused cheaply: body size, authentication before parsing, bounded logs,
fixed metric labels, and 4xx (never 500) for malformed values."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from service import create_app, logs
from tests.conftest import PAYERS_FILE
from tests.support import logcapture
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

NO_SUCH = "00000000-0000-4000-8000-000000000000"
# Short values found in the access line and in pieces of "[redacted]": the old filter
# replaced each one over the output of the last, so the line grew on every pass.
REMATCHING = ["PO", "/v", "pa", "40", "re", "ed", "act", "d]", "[r", "da", "ct", "te", "[re",
              "ted]", "red", "ac"]


class Untouched(io.BytesIO):
    """A request body that counts how often anything read it."""

    reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().read(size)

    def readinto(self, buffer: Any) -> int:
        self.reads += 1
        return super().readinto(buffer)

    def readline(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().readline(size)


def _attack_body() -> bytes:
    items = [{"q": v} for v in REMATCHING] + [{"name": f"v{n}"} for n in range(2000)]
    return json.dumps({"first_name": "re", "last_name": "ed", "items": items}).encode()


def _log_lines_since(start: int) -> list[str]:
    logcapture.BUFFER.seek(start)
    lines = logcapture.BUFFER.read().splitlines()
    logcapture.BUFFER.seek(0, io.SEEK_END)
    return lines


def _error_shape(response: Any, code: int) -> None:
    assert response.status_code == code
    assert response.json["code"] == code
    assert set(response.json) <= {"code", "status", "error", "message", "errors"}
    assert response.json["status"] and response.json["message"]


@pytest.fixture
def small_app(db_url: str) -> Iterator[Flask]:
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "max_body_bytes": 4096, "metrics_token": "metrics-test-token"})
    yield application
    application.extensions["coverwatch"].dispose()


def test_a_body_built_to_rematch_the_redaction_is_answered_fast_with_bounded_log_lines(
        app, client):
    _, key = new_practice(app)
    body = _attack_body()
    start = logcapture.BUFFER.tell()
    began = time.perf_counter()
    anonymous = client.post("/v1/patients", data=body, content_type="application/json")
    signed = client.post("/v1/patients", data=body, content_type="application/json",
                         headers=bearer(key))
    searched = client.get("/v1/patients?q=re", headers=bearer(key))
    elapsed = time.perf_counter() - began
    assert (anonymous.status_code, signed.status_code, searched.status_code) == (401, 422, 200)
    assert elapsed < 2.0
    lines = _log_lines_since(start)
    assert len(lines) >= 3
    assert max(len(line) for line in lines) <= logs.MAX_LINE_CHARS
    # The access lines stay the size they always are: nothing was rewritten into them.
    assert all(len(line) < 400 for line in lines if '"coverwatch.access"' in line)


def test_an_unauthenticated_body_is_answered_401_without_being_read(client):
    body = Untouched(b"[" * 3_000_000)
    response = client.post("/v1/patients", input_stream=body, content_length=3_000_000,
                           content_type="application/json")
    _error_shape(response, 401)
    assert body.reads == 0


def test_every_api_write_authenticates_before_it_reads_the_body(app, client):
    writes = [rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/v1/") and rule.methods & {"POST", "PATCH", "PUT"}]
    assert len(writes) >= 8
    for rule in writes:
        path = rule.rule
        for name in rule.arguments:
            path = (path.replace(f"<uuid:{name}>", NO_SUCH).replace(f"<int:{name}>", "1")
                    .replace(f"<{name}>", "x"))
        for method in sorted(rule.methods & {"POST", "PATCH", "PUT"}):
            body = Untouched(b"[" * 100_000)
            response = client.open(path, method=method, input_stream=body,
                                   content_length=100_000, content_type="application/json")
            assert (path, method, response.status_code) == (path, method, 401)
            assert body.reads == 0, (path, method)


def test_every_api_read_authenticates_before_it_reads_its_query(app, client):
    reads = [rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/v1/") and "GET" in rule.methods]
    assert len(reads) >= 8
    for rule in reads:
        path = rule.rule
        for name in rule.arguments:
            path = (path.replace(f"<uuid:{name}>", NO_SUCH).replace(f"<int:{name}>", "1")
                    .replace(f"<{name}>", "x"))
        response = client.get(path + "?page=" + "9" * 5000 + "&unknown=1")
        assert (path, response.status_code) == (path, 401)


def test_a_declared_length_over_the_limit_is_413_before_anything_is_read(client):
    body = Untouched(b"{}")
    response = client.post("/v1/patients", input_stream=body, content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": str(5 * 1024 * 1024)})
    _error_shape(response, 413)
    assert body.reads == 0


def test_a_chunked_body_over_the_limit_is_413(small_app):
    _, key = new_practice(small_app)
    big = json.dumps(PEOPLE[0].patient_json(external_id="x" * 8000)).encode()
    response = small_app.test_client().post(
        "/v1/patients", input_stream=io.BytesIO(big), content_type="application/json",
        headers={**bearer(key), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    _error_shape(response, 413)


def test_a_chunked_body_within_the_limit_is_read(small_app):
    _, key = new_practice(small_app)
    small = json.dumps(PEOPLE[0].patient_json()).encode()
    response = small_app.test_client().post(
        "/v1/patients", input_stream=io.BytesIO(small), content_type="application/json",
        headers={**bearer(key), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 201, response.json


def test_json_nested_100000_deep_is_401_without_a_key_and_400_with_one(app, client):
    _, key = new_practice(app)
    deep = "[" * 100_000
    anonymous = client.post("/v1/patients", data=deep, content_type="application/json")
    signed = client.post("/v1/patients", data=deep, content_type="application/json",
                         headers=bearer(key))
    _error_shape(anonymous, 401)
    _error_shape(signed, 400)
    assert signed.json["errors"] == {"_schema": ["The JSON body is nested too deeply."]}


def test_a_number_too_long_to_read_is_400(app, client):
    _, key = new_practice(app)
    response = client.post("/v1/patients", data='{"first_name": ' + "7" * 5000 + "}",
                           content_type="application/json", headers=bearer(key))
    _error_shape(response, 400)
    assert response.json["errors"] == {
        "_schema": ["The JSON body holds a number too long to read."]}


@pytest.mark.parametrize("npi", ["123456789\u00b9", "\u0661\u0662\u0663\u0664\u0665\u0666"
                                 "\u0667\u0668\u0669\u0663", "１２３４５６７８９３"])
def test_an_npi_in_digits_other_than_0_to_9_is_refused(app, client, npi):
    _, key = new_practice(app)
    response = client.post("/v1/eligibility-checks", headers=bearer(key),
                           json={"coverage_id": NO_SUCH, "provider_npi": npi})
    _error_shape(response, 422)
    assert list(response.json["errors"]) == ["provider_npi"]


@pytest.mark.parametrize("code", ["\u0669\u0660\u0668\u06637", "H\u0660\u0660\u0660\u0664",
                                  "90837\n"])
def test_a_procedure_code_in_other_digits_is_refused(app, client, code):
    _, key = new_practice(app)
    response = client.post("/v1/visits/forecast", headers=bearer(key), json={
        "coverage_id": NO_SUCH, "code": code, "first_date": "2026-11-02", "count": 2})
    _error_shape(response, 422)
    assert list(response.json["errors"]) == ["code"]


def test_a_forecast_at_the_calendars_end_or_past_the_visit_window_is_422(app, client):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[2])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[2])
    body = {"coverage_id": coverage["id"], "code": "90837", "first_date": "9999-12-20",
            "count": 3}
    response = client.post("/v1/visits/forecast", headers=bearer(key), json=body)
    _error_shape(response, 422)
    assert response.json["errors"] == {"first_date": [
        "The first date must be from 2024-11-02 to 2028-11-02 (24 months back to 24 months "
        "ahead)."]}
    long = client.post("/v1/visits/forecast", headers=bearer(key), json={
        **body, "first_date": "2028-10-01", "every_days": 366, "count": 104})
    _error_shape(long, 422)
    assert long.json["errors"] == {"count": [
        "The series would end after 2028-11-02, the last visit date accepted: fewer visits or "
        "fewer days between them."]}
    last_day = client.post("/v1/visits/forecast", headers=bearer(key), json={
        **body, "first_date": "2028-10-26", "every_days": 7, "count": 2})
    assert last_day.status_code == 200, last_day.json
    assert [v["date"] for v in last_day.json["visits"]] == ["2028-10-26", "2028-11-02"]


def _series(text: str) -> int:
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


def test_made_up_methods_and_paths_add_no_metric_series(client):
    client.open("/v1/patients", method="WARMUP")
    client.open("/no/such/path", method="WARMUP")
    client.get("/metrics")
    before = client.get("/metrics").get_data(as_text=True)
    for n in range(1000):
        client.open("/v1/patients" if n % 2 else f"/made/up/{n}", method=f"M{n}")
    after = client.get("/metrics").get_data(as_text=True)
    assert _series(after) == _series(before)
    assert 'method="other"' in after and "M999" not in after


def test_metrics_need_the_token_when_one_is_configured(small_app):
    client = small_app.test_client()
    refused = client.get("/metrics")
    _error_shape(refused, 401)
    assert "METRICS_TOKEN" in refused.json["message"]
    _error_shape(client.get("/metrics", headers=bearer("wrong-token")), 401)
    allowed = client.get("/metrics", headers=bearer("metrics-test-token"))
    assert allowed.status_code == 200
    assert "coverwatch_http_requests_total" in allowed.get_data(as_text=True)
