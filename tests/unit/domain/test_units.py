"""Units a visit draws from a unit-based authorization, by the midpoint rule."""

import pytest

from service.domain.units import units_for


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 1), (7, 1), (8, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3),
     (60, 4), (None, 1)],
)
def test_fifteen_minute_units_count_a_remainder_of_eight_minutes(minutes, units):
    assert units_for(minutes, 15) == units


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(14, 1), (15, 1), (44, 1), (45, 2), (60, 2), (74, 2), (75, 3)],
)
def test_thirty_minute_units_count_a_remainder_of_fifteen_minutes(minutes, units):
    assert units_for(minutes, 30) == units


def test_a_visit_always_draws_at_least_one_unit():
    assert units_for(1, 60) == 1


@pytest.mark.parametrize("minutes_per_unit", [0, -15])
def test_a_unit_must_last_some_minutes(minutes_per_unit):
    with pytest.raises(ValueError, match="minutes_per_unit"):
        units_for(30, minutes_per_unit)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        units_for(-1, 15)
