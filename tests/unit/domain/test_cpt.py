"""Psychotherapy time rules and which codes count as mental-health services."""

import pytest

from service.domain.cpt import (
    INDIVIDUAL_PSYCHOTHERAPY,
    TIME_RULES,
    is_mental_health,
    suggested_code,
    suggestion_for,
    time_mismatch,
)


@pytest.mark.parametrize(
    ("code", "rule"),
    [("90832", (16, 37)), ("90834", (38, 52)), ("90837", (53, None)), ("90833", (16, 37)),
     ("90836", (38, 52)), ("90838", (53, None)), ("90839", (30, 74)), ("90840", (75, None))],
)
def test_each_time_based_code_has_the_cpt_minutes(code, rule):
    assert TIME_RULES[code] == rule


@pytest.mark.parametrize(
    ("code", "minutes"),
    [("90832", 16), ("90832", 37), ("90834", 38), ("90834", 52), ("90837", 53),
     ("90837", 180), ("90839", 30), ("90839", 74), ("90840", 75), ("90840", 130)],
)
def test_minutes_at_the_edges_of_the_band_fit(code, minutes):
    assert time_mismatch(code, minutes) is None


@pytest.mark.parametrize(
    ("code", "minutes", "expected"),
    [("90832", 15, (16, 37)), ("90832", 38, (16, 37)), ("90834", 37, (38, 52)),
     ("90834", 53, (38, 52)), ("90837", 52, (53, None)), ("90837", 40, (53, None)),
     ("90839", 29, (30, 74)), ("90839", 75, (30, 74)), ("90840", 74, (75, None)),
     ("90836", 30, (38, 52))],
)
def test_minutes_outside_the_band_return_the_expected_range(code, minutes, expected):
    assert time_mismatch(code, minutes) == expected


def test_codes_are_compared_without_case_or_spaces():
    assert time_mismatch(" 90837 ", 40) == (53, None)


def test_unknown_minutes_or_untimed_codes_never_mismatch():
    assert time_mismatch("90837", None) is None
    assert time_mismatch("90791", 10) is None
    assert time_mismatch("90853", 200) is None


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(0, None), (15, None), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"),
     (53, "90837"), (90, "90837")],
)
def test_the_suggested_code_follows_the_minutes(minutes, code):
    assert suggested_code(minutes) == code


def test_the_suggestion_keeps_the_e_m_add_on_family():
    assert suggested_code(45, with_em=True) == "90836"
    assert suggestion_for("90838", 20) == "90833"


def test_a_short_crisis_session_is_suggested_as_ordinary_psychotherapy():
    assert suggestion_for("90839", 25) == "90832"
    assert suggestion_for("90839", 80) is None


def test_codes_without_a_single_replacement_get_no_suggestion():
    assert suggestion_for("90840", 60) is None
    assert suggestion_for("90837", 40) == "90834"


def test_individual_psychotherapy_is_the_three_time_based_codes():
    assert INDIVIDUAL_PSYCHOTHERAPY == {"90832", "90834", "90837"}


@pytest.mark.parametrize(
    "code",
    ["90785", "90791", "90837", "90899", "96101", "96127", "96130", "96139", "96146",
     "96158", "97153", "99484", "99493", "H0001", "H0031", "H2019", "H2037", "h0004",
     "T1017", "S9484"],
)
def test_mental_health_codes_are_recognised(code):
    assert is_mental_health(code)


@pytest.mark.parametrize(
    "code",
    ["90784", "90900", "96100", "96147", "99213", "H0000", "H2038", "T1016", "J3490",
     "", "9083", "908377", "HABCD"],
)
def test_other_codes_are_not_mental_health(code):
    assert not is_mental_health(code)
