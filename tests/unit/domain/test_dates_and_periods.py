"""Date windows, date arithmetic at the calendar's ends, and benefit periods."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.benefit_period import EVERYTHING, limit_period, plan_year
from service.domain.dates import SERVICE_DATE, VISIT_DATE, add_days, add_months, series

TODAY = date(2026, 11, 2)


def test_the_service_date_window_is_twelve_months_either_way():
    assert SERVICE_DATE.bounds(TODAY) == (date(2025, 11, 2), date(2027, 11, 2))
    assert SERVICE_DATE.problem(date(2025, 11, 2), today=TODAY) is None
    assert SERVICE_DATE.problem(date(2027, 11, 2), today=TODAY) is None
    refused = SERVICE_DATE.problem(date(2025, 11, 1), today=TODAY)
    assert refused == ("The service date must be from 2025-11-02 to 2027-11-02 (12 months "
                       "back to 12 months ahead).")
    assert SERVICE_DATE.problem(date(9999, 12, 31), today=TODAY) is not None
    assert SERVICE_DATE.problem(date(1900, 1, 1), today=TODAY) is not None


def test_the_window_follows_the_clock_it_is_given():
    assert VISIT_DATE.problem(date(2029, 1, 1), today=TODAY) is not None
    assert VISIT_DATE.problem(date(2029, 1, 1), today=date(2027, 6, 1)) is None


def test_months_keep_the_day_where_the_month_has_it_and_stop_at_the_calendars_ends():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert add_months(date(9999, 12, 20), 24) == date.max
    assert add_months(date(1, 1, 1), -24) == date.min


def test_days_past_the_calendars_ends_are_none_and_a_series_stops_there():
    assert add_days(date(9999, 12, 20), 14) is None
    assert add_days(date(1, 1, 1), -1) is None
    assert series(date(9999, 12, 20), every_days=7, count=5) == [
        date(9999, 12, 20), date(9999, 12, 27)]


@given(st.dates(), st.integers(min_value=-200_000, max_value=200_000))
def test_no_date_arithmetic_raises(day, amount):
    add_days(day, amount)
    first, last = VISIT_DATE.bounds(day)
    assert first <= day <= last
    VISIT_DATE.problem(day, today=day)
    add_months(day, amount)
    for period in ("Calendar Year", "Service Year", "Month", "Lifetime", None):
        plan = plan_year(day, begin=date(2026, 7, 1), end=date(2027, 6, 30))
        start, end = limit_period(period, on=day, plan=plan)
        assert start <= day <= end


def test_the_plan_year_renews_by_whole_years_past_the_answers_dates():
    begin, end = date(2026, 7, 1), date(2027, 6, 30)
    assert plan_year(date(2026, 9, 1), begin=begin, end=end) == (begin, end)
    assert plan_year(date(2027, 7, 1), begin=begin, end=end) == (date(2027, 7, 1),
                                                                 date(2028, 6, 30))
    assert plan_year(date(2026, 6, 30), begin=begin, end=end) == (date(2025, 7, 1),
                                                                  date(2026, 6, 30))
    # Dates that are no plan year (longer than a year, or missing) leave the calendar year.
    assert plan_year(date(2026, 9, 1), begin=date(2020, 1, 1), end=end) == (
        date(2026, 1, 1), date(2026, 12, 31))
    assert plan_year(date(2026, 9, 1), begin=None, end=end) == (date(2026, 1, 1),
                                                                date(2026, 12, 31))


@pytest.mark.parametrize(("period", "expected"), [
    ("Calendar Year", (date(2027, 1, 1), date(2027, 12, 31))),
    ("Service Year", (date(2026, 7, 1), date(2027, 6, 30))),
    ("Contract", (date(2026, 7, 1), date(2027, 6, 30))),
    (None, (date(2026, 7, 1), date(2027, 6, 30))),
    ("Month", (date(2027, 2, 1), date(2027, 2, 28))),
    ("Lifetime", EVERYTHING),
])
def test_a_visit_limit_counts_over_the_period_its_time_qualifier_names(period, expected):
    on = date(2027, 2, 10)
    plan = plan_year(on, begin=date(2026, 7, 1), end=date(2027, 6, 30))
    assert limit_period(period, on=on, plan=plan) == expected
