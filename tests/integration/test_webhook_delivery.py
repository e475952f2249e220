"""Webhook delivery end to end: real changes write events, a pytest-httpserver receiver checks
each signature with the standardwebhooks library (not our code), and the deliverer is driven
with the injected clock (retries hours apart without sleeping)."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook
from werkzeug import Request, Response

from service import create_app
from service.domain.webhooks import EVENT_TYPES
from service.webhooks.deliver import Deliverer
from service.webhooks.runner import Runner
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


@pytest.fixture
def app(db_url, clock) -> Iterator[Flask]:
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "log_level": "DEBUG", "webhooks_allow_private": True},
                             clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


class Receiver:
    """Records what arrives; answers `status` (or is down: connection refused)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        self.status = 200
        self.delay_s = 0.0
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        if self.delay_s:
            time.sleep(self.delay_s)
        self.requests.append((request.get_data(), dict(request.headers)))
        return Response("ok" if self.status < 300 else "busy, try later", status=self.status)

    def verified(self, secret: str) -> list[dict]:
        """Every body, verified with the standardwebhooks library (ValueError if not)."""
        return [Webhook(secret).verify(body, headers) for body, headers in self.requests]


@pytest.fixture
def receiver(httpserver: HTTPServer) -> Receiver:
    return Receiver(httpserver)


def subscribe(client, key, url, events=EVENT_TYPES) -> tuple[str, str]:
    made = client.post("/v1/webhook-endpoints", headers=bearer(key),
                       json={"url": url, "events": list(events)})
    assert made.status_code == 201, made.json
    return made.json["endpoint"]["id"], made.json["secret"]


def deliver(app: Flask) -> int:
    return app.extensions["coverwatch"].deliverer.run_due()


def authorizations(client, key, count: int) -> tuple[str, list[str]]:
    """A checked coverage with `count` authorizations (each an authorization.updated)."""
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    assert client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                       headers=bearer(key)).json["status"] == "active"
    ids = []
    for n in range(count):
        made = client.post("/v1/authorizations", headers=bearer(key), json={
            "coverage_id": coverage["id"], "number": f"A{n}", "quantity": 10,
            "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]})
        assert made.status_code == 201, made.json
        ids.append(made.json["id"])
    return coverage["id"], ids


def amend(client, key, auth_id: str, quantity: int) -> None:
    changed = client.patch(f"/v1/authorizations/{auth_id}", headers=bearer(key),
                           json={"quantity": quantity})
    assert changed.status_code == 200, changed.json


def test_every_delivery_is_signed_so_the_standardwebhooks_library_verifies_it(
        app, client, receiver, httpserver):
    _, key = new_practice(app)
    _, secret = subscribe(client, key, httpserver.url_for("/hook"))
    coverage_id, auths = authorizations(client, key, 2)
    assert deliver(app) == 3
    bodies = receiver.verified(secret)
    assert [b["type"] for b in bodies] == ["eligibility_check.completed",
                                           "authorization.updated", "authorization.updated"]
    completed = bodies[0]["data"]
    assert completed["coverage_id"] == coverage_id and completed["status"] == "active"
    assert [b["data"]["authorization_id"] for b in bodies[1:]] == auths
    for body, headers in receiver.requests:
        assert headers["Webhook-Id"] == "msg_" + json.loads(body)["id"].removeprefix("evt_")
    # Ids and codes only: no name, birth date or member id of the person.
    text = b" ".join(body for body, _ in receiver.requests).decode()
    person = PEOPLE[0]
    for secret_fact in (person.first_name, person.last_name, "ZZT0000003",
                        str(person.birth_date)):
        assert secret_fact not in text
    with pytest.raises(Exception):  # noqa: B017 - any refusal of the library's
        Webhook("whsec_" + "QUJD" * 8).verify(*receiver.requests[0])


def test_an_endpoint_gets_only_the_events_it_subscribed_to(app, client, receiver, httpserver):
    _, key = new_practice(app)
    _, secret = subscribe(client, key, httpserver.url_for("/hook"),
                          events=["authorization.updated"])
    authorizations(client, key, 1)
    deliver(app)
    assert [b["type"] for b in receiver.verified(secret)] == ["authorization.updated"]


def test_a_receiver_down_for_a_while_then_back_gets_every_event_in_order_per_resource(
        app, client, clock, receiver, httpserver):
    # Given a receiver that refuses connections while three authorizations change thrice each
    _, key = new_practice(app)
    endpoint_id, secret = subscribe(client, key, httpserver.url_for("/hook"),
                                    events=["authorization.updated"])
    httpserver.stop()
    _, auths = authorizations(client, key, 3)
    for quantity in (11, 12):
        for auth_id in auths:
            amend(client, key, auth_id, quantity)
    # When the deliverer tries, and retries 5 s and 5 min later, while it is down
    assert deliver(app) == 3  # one per authorization: the later ones wait their turn
    clock.advance(seconds=5)
    assert deliver(app) == 3
    clock.advance(seconds=60)
    assert deliver(app) == 0  # the next retry is not due yet
    # Then once it is back, everything arrives, in order for each authorization
    httpserver.start()
    clock.advance(minutes=5)
    assert deliver(app) == 9
    bodies = receiver.verified(secret)
    assert len(bodies) == 9 and len({b["id"] for b in bodies}) == 9
    for auth_id in auths:
        quantities = [b["data"]["quantity"] for b in bodies
                      if b["data"]["authorization_id"] == auth_id]
        assert quantities == [10, 11, 12]
    # And the attempts are visible: the first of each carries its two failed tries
    listed = client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries?limit=200",
                        headers=bearer(key)).json["items"]
    assert {d["state"] for d in listed} == {"delivered"}
    firsts = [d for d in listed if d["payload"]["data"]["quantity"] == 10]
    assert [[a["outcome"] for a in d["attempts"]] for d in firsts] == [
        ["failed", "failed", "delivered"]] * 3
    assert all(d["attempts"][0]["error"] == "connection failed" for d in firsts)


def test_a_retried_event_keeps_its_id_so_the_receiver_can_drop_the_duplicate(
        app, client, clock, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, secret = subscribe(client, key, httpserver.url_for("/hook"),
                                    events=["authorization.updated"])
    receiver.status = 500  # it processed the event, then failed to answer
    authorizations(client, key, 1)
    deliver(app)
    receiver.status = 200
    clock.advance(seconds=5)
    deliver(app)
    first, second = receiver.requests
    assert first[1]["Webhook-Id"] == second[1]["Webhook-Id"]
    assert receiver.verified(secret)[0] == receiver.verified(secret)[1]
    delivery = client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries",
                          headers=bearer(key)).json["items"][0]
    assert [(a["outcome"], a["status_code"], a["response_body"])
            for a in delivery["attempts"]] == [("failed", 500, "busy, try later"),
                                               ("delivered", 200, "ok")]
    assert all(a["latency_ms"] >= 0 for a in delivery["attempts"])
    # A delivery sent again by hand goes out with the same id too
    again = client.post(f"/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery['id']}"
                        "/retry", headers=bearer(key))
    assert again.status_code == 202 and again.json["state"] == "pending"
    deliver(app)
    assert receiver.requests[2][1]["Webhook-Id"] == first[1]["Webhook-Id"]


def test_retries_follow_the_schedule_for_a_day_then_the_delivery_fails(
        app, client, clock, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, _ = subscribe(client, key, httpserver.url_for("/hook"),
                               events=["authorization.updated"])
    receiver.status = 503
    authorizations(client, key, 1)
    tried_at = []
    while deliver(app):
        tried_at.append(clock.now)
        delivery = client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries",
                              headers=bearer(key)).json["items"][0]
        if delivery["state"] == "failed":
            break
        clock.now = datetime.fromisoformat(delivery["next_attempt_at"])
    gaps = [later - earlier for earlier, later in itertools.pairwise(tried_at)]
    assert gaps == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                    timedelta(hours=2), timedelta(hours=5), timedelta(hours=10),
                    timedelta(hours=10)]
    assert sum(gaps, timedelta()) >= timedelta(hours=24)
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    assert len(delivery["attempts"]) == len(receiver.requests) == 8


def test_an_endpoint_failing_for_three_days_is_disabled_with_an_alert(
        app, client, clock, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, _ = subscribe(client, key, httpserver.url_for("/hook"),
                               events=["authorization.updated"])
    receiver.status = 500
    _, auths = authorizations(client, key, 1)
    for day in range(4):
        amend(client, key, auths[0], 20 + day)  # a new event each day keeps it trying
        for _ in range(8):
            deliver(app)
            clock.advance(hours=3)
        clock.advance(hours=1)
    endpoint = client.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=bearer(key)).json
    assert endpoint["enabled"] is False and endpoint["disabled_reason"] == "failing"
    alerts = client.get("/v1/alerts", headers=bearer(key)).json["items"]
    disabled = [a for a in alerts if a["kind"] == "webhook_disabled"]
    assert len(disabled) == 1 and disabled[0]["coverage_id"] is None
    assert endpoint_id in json.dumps(disabled[0])
    tried = len(receiver.requests)
    clock.advance(days=1)
    deliver(app)
    assert len(receiver.requests) == tried  # no more calls while disabled
    # Enabled again, the waiting events go out
    receiver.status = 200
    client.patch(f"/v1/webhook-endpoints/{endpoint_id}", json={"enabled": True},
                 headers=bearer(key))
    clock.advance(days=1)
    assert deliver(app) > 0


def test_during_a_rotation_each_delivery_verifies_with_the_old_and_the_new_secret(
        app, client, clock, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, old = subscribe(client, key, httpserver.url_for("/hook"),
                                 events=["authorization.updated"])
    new = client.post(f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
                      headers=bearer(key)).json["secret"]
    _, auths = authorizations(client, key, 1)
    deliver(app)
    assert receiver.verified(old) == receiver.verified(new)
    assert len(receiver.requests[0][1]["Webhook-Signature"].split(" ")) == 2
    clock.advance(hours=24, seconds=1)
    amend(client, key, auths[0], 15)
    deliver(app)
    assert receiver.verified(new)
    with pytest.raises(Exception):  # noqa: B017 - the old secret no longer signs
        Webhook(old).verify(*receiver.requests[1])


def test_a_test_event_reaches_the_receiver_signed(app, client, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, secret = subscribe(client, key, httpserver.url_for("/hook"),
                                    events=["coverage.changed"])
    client.post(f"/v1/webhook-endpoints/{endpoint_id}/test", headers=bearer(key))
    deliver(app)
    assert receiver.verified(secret) == [{**receiver.verified(secret)[0],
                                          "type": "webhook.test",
                                          "data": {"endpoint_id": endpoint_id}}]


def test_a_slow_endpoint_does_not_delay_another(app, client, httpserver):
    # Given two endpoints of the practice, one of them slow to answer
    slow_server = HTTPServer()
    slow_server.start()
    try:
        slow = Receiver(slow_server)
        slow.delay_s = 3.0
        fast = Receiver(httpserver)
        _, key = new_practice(app)
        subscribe(client, key, slow_server.url_for("/hook"), events=["authorization.updated"])
        subscribe(client, key, httpserver.url_for("/hook"), events=["authorization.updated"])
        authorizations(client, key, 1)
        runner = Runner(app.extensions["coverwatch"].deliverer, threads=4)
        # When the runner hands out what is due
        started = time.monotonic()
        assert runner.tick() == 2
        while not fast.requests and time.monotonic() - started < 5:
            time.sleep(0.01)
        # Then the fast endpoint has its event long before the slow one answers
        assert fast.requests and time.monotonic() - started < 2.0
        runner.stop()
        assert slow.requests
    finally:
        slow_server.clear()
        slow_server.stop()


def test_two_deliverers_never_work_one_endpoint_at_once(app, client, receiver, httpserver):
    _, key = new_practice(app)
    endpoint_id, _ = subscribe(client, key, httpserver.url_for("/hook"))
    wiring = app.extensions["coverwatch"]
    other = Deliverer(uow=wiring.uow, clock=wiring.clock, sender=wiring.deliverer.sender,
                      sealer=wiring.sealer)
    assert wiring.deliverer.claim(uuid.UUID(endpoint_id))
    assert not other.claim(uuid.UUID(endpoint_id))
    wiring.deliverer.deliver(uuid.UUID(endpoint_id))  # gives it back when done
    assert other.claim(uuid.UUID(endpoint_id))

