"""A practice's live checks are rate limited (token bucket, 429 + Retry-After); others are not,
the nightly run is not, and the bucket refills as the injected clock moves."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask

from service import create_app
from service.config import Config, ConfigError
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.clock import FakeClock
from tests.support.people import PEOPLE
from tests.support.web import post, signed_in_client


@pytest.fixture
def app(db_url: str, clock: FakeClock) -> Iterator[Flask]:
    # Two checks at once, then one every ten seconds.
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "check_burst": 2, "check_rate_per_minute": 6}, clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


def _practice(app: Flask, name: str) -> tuple[str, str]:
    return _practice_with_id(app, name)[1:]


def _practice_with_id(app: Flask, name: str) -> tuple[uuid.UUID, str, str]:
    practice_id, key = new_practice(app, name=name)
    client = app.test_client()
    patient = create_patient(client, key, PEOPLE[0])
    return practice_id, key, create_coverage(client, key, patient["id"])["id"]


def _check(app: Flask, key: str, coverage_id: str, *, force: bool = True):
    return app.test_client().post("/v1/eligibility-checks", headers=bearer(key),
                                  json={"coverage_id": coverage_id, "force": force})


def test_past_its_burst_a_practice_gets_429_with_retry_after_until_the_clock_moves(
    app: Flask, clock: FakeClock,
) -> None:
    key, coverage = _practice(app, "Northside Counseling")
    other_key, other_coverage = _practice(app, "Lakeview Therapy")

    assert [_check(app, key, coverage).status_code for _ in range(2)] == [201, 201]
    refused = _check(app, key, coverage)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "10"
    assert refused.json["code"] == 429 and refused.json["status"] == "Too Many Requests"
    assert refused.json["errors"] == {"reason": "CHECK_RATE_LIMITED"}
    assert refused.json["message"]
    # Nothing was stored for the refused check.
    history = app.test_client().get(f"/v1/coverages/{coverage}/eligibility-checks",
                                    headers=bearer(key)).json
    assert history["total"] == 2
    # Another practice has its own bucket.
    assert _check(app, other_key, other_coverage).status_code == 201

    clock.advance(seconds=9)
    assert _check(app, key, coverage).headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert _check(app, key, coverage).status_code == 201


def test_a_reused_answer_takes_no_token(app: Flask) -> None:
    key, coverage = _practice(app, "Northside Counseling")

    statuses = [_check(app, key, coverage, force=False).status_code for _ in range(5)]

    assert statuses == [201, 200, 200, 200, 200]


def test_the_front_desk_past_the_limit_is_told_when_to_try_again(app: Flask) -> None:
    practice_id, _, coverage = _practice_with_id(app, "Northside Counseling")
    desk = signed_in_client(app, practice_id)

    answers = [post(desk, f"/app/coverages/{coverage}/check") for _ in range(3)]

    assert [a.status_code for a in answers[:2]] == [302, 302]
    assert "/app/checks/" in answers[0].headers["Location"]
    assert answers[2].status_code == 303
    page = desk.get(answers[2].headers["Location"]).text
    assert "Too many eligibility checks" in page and "Try again in 10 seconds" in page


@pytest.mark.parametrize(("name", "value"), [
    ("CHECK_RATE_PER_MINUTE", "0"), ("CHECK_BURST", "0"), ("CHECK_BURST", "lots"),
    ("PAYER_PRACTICE_SHARE", "1.5"), ("PAYER_THREAD_SHARE", "0"), ("GUNICORN_THREADS", "0"),
])
def test_a_bad_fairness_setting_is_refused_naming_its_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_the_thread_share_comes_from_the_server_threads() -> None:
    cfg = Config.from_env({"GUNICORN_THREADS": "32", "PAYER_THREAD_SHARE": "0.25",
                           "PAYER_PRACTICE_SHARE": "0.3", "CHECK_BURST": "5"})
    assert cfg.route_thread_limit == 8
    assert (cfg.payer_practice_share, cfg.check_burst) == (0.3, 5)
    defaults = Config.from_env({})
    assert defaults.route_thread_limit == 8
    assert (defaults.check_rate_per_minute, defaults.check_burst) == (60.0, 60)


def test_the_app_applies_the_shares_to_its_payer_routes(db_url: str, clock: FakeClock) -> None:
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE, "server_threads": 6,
                      "payer_thread_share": 0.5, "payer_practice_share": 0.2}, clock=clock)
    payers = app.extensions["coverwatch"].payers
    try:
        assert payers.held_limit == 3
        route = payers.ids()[0]
        assert payers.tenant_limit(route) == max(
            1, int(0.2 * payers.entry(route).max_concurrency))
    finally:
        app.extensions["coverwatch"].dispose()
