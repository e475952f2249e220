"""Counting recorded visits into the plan year of a visit, and since the latest answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from service.domain.policy import CountingPolicy
from service.domain.verdict import CoverageState, PayerRules, Settings
from service.ledger.context import LedgerContext, usage_from


def ctx(begin=None, end=None, answered_on=None) -> LedgerContext:
    return LedgerContext(
        coverage=CoverageState(network="in", last_check_status=None, last_check_at=None,
                               last_answer_at=None, summary=None),
        rules=PayerRules.from_mapping({}), settings=Settings(), policy=CountingPolicy(),
        plan_begin=begin, plan_end=end, answered_on=answered_on)


DATES = [date(2025, 12, 30), date(2026, 3, 1), date(2026, 7, 1), date(2026, 7, 1),
         date(2026, 9, 15), date(2027, 2, 1)]


def test_without_a_plan_the_calendar_year_of_the_visit_counts():
    usage = usage_from(DATES, ctx(), date(2026, 10, 1))
    assert (usage.visits_this_plan_year, usage.visits_since_answer) == (4, 0)


def test_a_plan_year_across_calendar_years_and_visits_since_the_answer():
    plan = ctx(date(2026, 7, 1), date(2027, 6, 30), answered_on=date(2026, 7, 1))
    usage = usage_from(DATES, plan, date(2026, 8, 1))
    # Both visits of 2026-07-01 are in the plan year; neither is after the answer of that day.
    assert (usage.visits_this_plan_year, usage.visits_since_answer) == (4, 2)


def test_a_visit_outside_the_plan_counts_the_plan_year_renewed_around_it():
    plan = ctx(date(2026, 7, 1), date(2027, 6, 30))
    # 2025-07-01 to 2026-06-30: the visits of 2025-12-30 and 2026-03-01.
    assert usage_from(DATES, plan, date(2026, 3, 5)).visits_this_plan_year == 2
    assert usage_from(DATES, plan, date(2025, 1, 5)).visits_this_plan_year == 0


def limited(period, *, begin=None, end=None, answered_on=None) -> LedgerContext:
    summary = {"visit_limit": {"total": 20, "remaining": 5, "period": period}}
    return replace(ctx(begin, end, answered_on),
                   coverage=replace(ctx().coverage, summary=summary))


def test_a_calendar_year_limit_starts_again_on_1_january_after_the_answer():
    answered = limited("Calendar Year", begin=date(2026, 7, 1), end=date(2027, 6, 30),
                       answered_on=date(2026, 11, 2))
    usage = usage_from(DATES, answered, date(2027, 1, 4))
    # Only 2027-02-01 is in 2027; the period starts after the answer, so it is a new one.
    assert (usage.visits_in_period, usage.new_period_from) == (1, date(2027, 1, 1))
    # The plan year (July to June) holds both July visits, September and February.
    assert usage.visits_this_plan_year == 4
    same = usage_from(DATES, answered, date(2026, 12, 1))
    assert (same.visits_in_period, same.new_period_from) == (4, None)


def test_a_plan_year_limit_starts_again_at_the_renewal_and_a_lifetime_one_never():
    plan = limited("Service Year", begin=date(2026, 1, 1), end=date(2026, 12, 31),
                   answered_on=date(2026, 11, 2))
    assert usage_from(DATES, plan, date(2027, 3, 1)).new_period_from == date(2027, 1, 1)
    lifetime = replace(plan, coverage=replace(plan.coverage, summary={
        "visit_limit": {"total": 20, "remaining": 5, "period": "Lifetime"}}))
    usage = usage_from(DATES, lifetime, date(2027, 3, 1))
    assert (usage.visits_in_period, usage.new_period_from) == (6, None)


def test_an_answer_after_every_visit_leaves_none_since_and_no_visits_count_nothing():
    late = ctx(answered_on=date(2026, 12, 31))
    assert usage_from(DATES, late, date(2026, 10, 1)).visits_since_answer == 0
    assert usage_from([], ctx(answered_on=date(2026, 1, 1)), date(2026, 5, 1)) == usage_from(
        [], ctx(), date(2026, 5, 1))

