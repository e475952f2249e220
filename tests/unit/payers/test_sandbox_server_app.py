"""The simulated payer's WSGI app, called in-process: routes, faults, throttling, stats."""

from __future__ import annotations

import threading

import pytest
from werkzeug.test import Client

from payers.adapters.core.envelope import (
    PAYLOAD_270,
    SOAP_CONTENT_TYPE,
    CoreMessage,
    mime_body,
    mime_parts,
    parse_mime,
    parse_soap,
    soap_body,
)
from payers.adapters.sandbox.server import NO_ANSWER_S, SimulatedPayerApp
from payers.inquiry import build_request
from tests.unit.payers.builders import ACTIVE, entry, query


def _message(member_id: str) -> CoreMessage:
    return CoreMessage(payload_type=PAYLOAD_270, payload_id="f3c9b0de-5a8e-4b7c-9d21-0e6a4f1b2c3d",
                       timestamp="2026-11-02T15:00:00Z", sender_id="COVERWATCH",
                       receiver_id="TIDE01", payload=build_request(entry(), query(member_id)),
                       username="u", password="p")


def _soap(client: Client, member_id: str = ACTIVE):  # type: ignore[no-untyped-def]
    return client.post("/core", data=soap_body(_message(member_id), kind="request"),
                       content_type=SOAP_CONTENT_TYPE)


def test_a_soap_request_gets_a_soap_success_reply_with_a_271() -> None:
    response = _soap(Client(SimulatedPayerApp()))
    reply = parse_soap(response.data)

    assert response.status_code == 200
    assert (reply.error_code, reply.payload_type) == ("Success",
                                                      "X12_271_Response_005010X279A1")
    assert (reply.sender_id, reply.receiver_id) == ("TIDE01", "COVERWATCH")
    assert reply.payload.startswith("ISA*")


def test_a_mime_request_gets_a_mime_reply() -> None:
    body, content_type = mime_body(mime_parts(_message(ACTIVE), kind="request"), boundary="zz")
    response = Client(SimulatedPayerApp()).post("/core", data=body, content_type=content_type)

    reply = parse_mime(response.data, response.headers["Content-Type"])
    assert reply.error_code == "Success" and "ST*271*" in reply.payload


@pytest.mark.parametrize(("member_id", "status"), [
    ("ZZT0000500", 503), ("ZZT0000502", 500), ("ZZT0000504", 504), ("ZZT0000991", 200),
])
def test_fault_member_ids_become_http_faults(member_id: str, status: int) -> None:
    waits: list[float] = []
    response = _soap(Client(SimulatedPayerApp(sleep=waits.append)), member_id)

    assert response.status_code == status
    if member_id == "ZZT0000504":
        assert waits == [0.0, NO_ANSWER_S]


def test_the_envelope_error_member_gets_a_core_error_code() -> None:
    reply = parse_soap(_soap(Client(SimulatedPayerApp()), "ZZT0000993").data)

    assert reply.error_code == "VersionMismatch"


def test_requests_beyond_the_concurrency_limit_are_throttled_and_counted() -> None:
    inside, leave = threading.Event(), threading.Event()

    def hold(_: float) -> None:
        inside.set()
        leave.wait(5)

    app = SimulatedPayerApp(latency_ms=5, max_concurrency=1, sleep=hold)
    first = threading.Thread(target=_soap, args=(Client(app),))
    first.start()
    inside.wait(5)

    throttled = _soap(Client(app))
    leave.set()
    first.join()
    stats = Client(app).get("/stats").json

    assert throttled.status_code == 429
    assert stats == {"requests": 2, "in_flight": 0, "peak_concurrency": 2}
    assert Client(app).post("/stats/reset").json == {
        "requests": 0, "in_flight": 0, "peak_concurrency": 0}


def test_anything_else_is_refused() -> None:
    client = Client(SimulatedPayerApp())

    assert client.get("/core").status_code == 404
    assert client.post("/core", data=b"<a/>", content_type=SOAP_CONTENT_TYPE).status_code == 400
