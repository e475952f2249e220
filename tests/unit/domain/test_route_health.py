"""A route's health from its checks: answers (rejections included) over all, nearest-rank
percentiles, CORE's 20 s budget, the commonest errors, and when it counts as degraded."""

from __future__ import annotations

from service.domain.route_health import Outcome, percentile, route_health


def _answers(*ms: float) -> list[Outcome]:
    return [Outcome("active", None, m) for m in ms]


def test_rejections_count_as_answers_and_errors_do_not() -> None:
    health = route_health([Outcome("active", None, 800), Outcome("rejected", "AAA_72", 900),
                           Outcome("error", "PAYER_TIMEOUT", 20_000),
                           Outcome("error", "PAYER_BUSY", None)])

    assert health.checks == 4 and health.success_share == 0.5
    assert health.errors == (("PAYER_BUSY", 1), ("PAYER_TIMEOUT", 1))


def test_percentiles_are_nearest_rank_over_the_checks_that_took_time() -> None:
    health = route_health(_answers(*range(100, 2100, 100)) + [Outcome("error", "X", None)])

    assert (health.p50_ms, health.p95_ms) == (1000, 1900)
    assert percentile([], 50) is None and percentile([7.0], 95) == 7.0


def test_only_answers_within_20_seconds_count_as_within_the_budget() -> None:
    health = route_health(_answers(19_999, 20_000, 20_001) + [Outcome("error", "T", 100)])

    assert health.within_budget_share == 0.5


def test_the_three_commonest_errors_most_frequent_first() -> None:
    codes = ["PAYER_TIMEOUT"] * 3 + ["PAYER_UNAVAILABLE"] * 2 + ["A", "B"]
    health = route_health(Outcome("error", code, 10) for code in codes)

    assert health.errors == (("PAYER_TIMEOUT", 3), ("PAYER_UNAVAILABLE", 2), ("A", 1))


def test_a_route_degrades_on_failures_or_slowness_once_it_has_five_checks() -> None:
    failing = _answers(100, 100, 100) + [Outcome("error", "X", 10)] * 2
    slow = _answers(100, 100, 100, 25_000, 25_000)
    few = [Outcome("error", "X", 10)] * 4

    assert route_health(failing).degraded is True
    assert route_health(slow).degraded is True
    assert route_health(few).degraded is False
    assert route_health(_answers(100, 100, 100, 100, 100)).degraded is False


def test_no_checks_give_no_figures() -> None:
    health = route_health([])

    assert (health.checks, health.success_share, health.p50_ms, health.errors) == (
        0, None, None, ())
