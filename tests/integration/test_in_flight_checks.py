"""Never two inquiries in flight for one question (issue 18, 2): over real HTTP, the app on a
live server thread and a CORE payer double on pytest-httpserver."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.serving import make_server

from payers.directory import parse_directory
from service import create_app
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.scripted_payer import ScriptedPayer

TIMEOUT_S = 5  # the route's: a 3-second payer answers in time


@pytest.fixture
def payer_server() -> Iterator[HTTPServer]:
    """Threaded: a held inquiry must not keep the next one from arriving."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def served(db_url, clock, payer_server: HTTPServer) -> Iterator:
    """Start the app for `payer` on a free port; yields (base url, key, coverage id)."""
    started: list = []

    def serve(payer: ScriptedPayer) -> tuple[str, str, str]:
        payer_server.expect_request("/core").respond_with_handler(payer)
        app = create_app({"database_url": db_url}, clock=clock, payers=parse_directory({
            "payers": [{"id": "acme", "name": "Acme plan", "payer_id": "ACME",
                        "adapter": "core-soap", "url": payer_server.url_for("/core"),
                        "username": "cw-test", "password": "pw-test",
                        "timeout_s": TIMEOUT_S}]}))
        _, key = new_practice(app)
        client = app.test_client()
        patient = create_patient(client, key, PEOPLE[1])
        coverage = create_coverage(client, key, patient["id"], PEOPLE[1], payer="acme",
                                   member_id="ZZT0000001")
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        started.append((app, httpd, thread, payer))
        return f"http://127.0.0.1:{httpd.server_port}", key, coverage["id"]

    yield serve
    for app, httpd, thread, payer in started:
        payer.release.set()  # before the app waits for its background checks
        httpd.shutdown()
        thread.join(timeout=10)
        app.extensions["coverwatch"].dispose()


def post_check(base: str, key: str, coverage_id: str, *, timeout: float = 15,
               prefer: str | None = None) -> requests.Response:
    headers = {**bearer(key), **({"Prefer": prefer} if prefer else {})}
    return requests.post(f"{base}/v1/eligibility-checks", json={"coverage_id": coverage_id},
                         headers=headers, timeout=timeout)


def history(base: str, key: str, coverage_id: str) -> list[dict]:
    return requests.get(f"{base}/v1/coverages/{coverage_id}/eligibility-checks",
                        headers=bearer(key), timeout=5).json()["items"]


def test_a_client_that_gives_up_and_asks_again_gets_the_first_inquirys_outcome(served):
    # Given a payer that takes 3 s to answer
    payer = ScriptedPayer(default=[("slow", 3)])
    base, key, coverage_id = served(payer)
    # When a client gives up after 1 s and asks again
    with pytest.raises(requests.ReadTimeout):
        post_check(base, key, coverage_id, timeout=1)
    payer.wait_for_calls(1)
    again = post_check(base, key, coverage_id)
    # Then the payer received exactly one 270, and the second request its outcome
    assert again.status_code == 200, again.json()
    body = again.json()
    assert body["reused"] is True and body["status"] == "active"
    assert [c["id"] for c in history(base, key, coverage_id)] == [body["id"]]
    time.sleep(0.5)
    assert len(payer.calls) == 1


def test_prefer_respond_async_answers_202_and_the_check_is_pending_until_it_finishes(served):
    payer = ScriptedPayer(default=[("hold",)])
    base, key, coverage_id = served(payer)
    started = time.monotonic()
    first = post_check(base, key, coverage_id, prefer="respond-async")
    assert time.monotonic() - started < 1.0
    assert first.status_code == 202
    assert first.headers["Preference-Applied"] == "respond-async"
    location = first.headers["Location"]
    assert location.endswith(f"/v1/eligibility-checks/{first.json()['id']}")
    assert first.json()["status"] == "pending"
    payer.wait_for_calls(1)
    polled = requests.get(f"{base}{location}" if location.startswith("/") else location,
                          headers=bearer(key), timeout=5).json()
    assert polled["status"] == "pending"
    # The same question asked again while it is at the payer joins it.
    joined = post_check(base, key, coverage_id, prefer="wait=1, respond-async")
    assert joined.status_code == 202 and joined.headers["Location"] == location
    payer.release.set()
    deadline = time.monotonic() + 10
    while polled["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
        polled = requests.get(f"{base}/v1/eligibility-checks/{first.json()['id']}",
                              headers=bearer(key), timeout=5).json()
    assert polled["status"] == "active" and polled["checked_at"] is not None
    assert len(payer.calls) == 1


def test_a_pending_check_past_its_deadline_no_longer_blocks(served, clock):
    # Given a check whose worker is stuck at the payer (as if it had died mid-call)
    payer = ScriptedPayer(default=[("hold",)])
    base, key, coverage_id = served(payer)
    stuck = post_check(base, key, coverage_id, prefer="respond-async")
    assert stuck.status_code == 202
    payer.wait_for_calls(1)
    # When its deadline (2 x the route's timeout + 5 s) has passed, it is not joined: it may
    # have reached the payer, so the 90-second rule refuses a resend, with the wait
    clock.advance(seconds=2 * TIMEOUT_S + 5 + 5)
    refused = post_check(base, key, coverage_id, timeout=5)
    assert refused.status_code == 409
    assert refused.headers["Retry-After"] == str(90 - 20 + 1)
    assert refused.json()["errors"]["retry_after_s"] == 71
    # Then, 90 s after it began, the question is asked again
    clock.advance(seconds=71)
    fresh = post_check(base, key, coverage_id, prefer="respond-async")
    assert fresh.status_code == 202 and fresh.json()["id"] != stuck.json()["id"]
    payer.wait_for_calls(2)
    assert len(payer.calls) == 2


def test_two_requests_asking_the_same_question_at_once_send_one_inquiry(served):
    payer = ScriptedPayer(default=[("slow", 1)])
    base, key, coverage_id = served(payer)
    answers: list[requests.Response] = []
    ready = threading.Barrier(2)

    def ask() -> None:
        ready.wait()
        answers.append(post_check(base, key, coverage_id))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert {a.json()["status"] for a in answers} == {"active"}
    assert len(payer.calls) == 1
