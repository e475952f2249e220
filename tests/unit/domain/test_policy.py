"""What each visit status does to an authorization, under default and payer rules."""

import pytest

from service.domain.policy import CountingPolicy, effect

DEFAULT = CountingPolicy()


@pytest.mark.parametrize(
    ("status", "result"),
    [("scheduled", "reserve"), ("completed", "use"), ("cancelled", "release"),
     ("late_cancelled", "release"), ("no_show", "release")],
)
def test_by_default_only_billable_visits_keep_their_unit(status, result):
    assert effect(status, DEFAULT) == result


def test_a_payer_may_count_late_cancellations_and_no_shows():
    policy = DEFAULT.merged({"late_cancel_uses": True, "no_show_uses": True})
    assert effect("late_cancelled", policy) == "use"
    assert effect("no_show", policy) == "use"
    assert effect("cancelled", policy) == "release"


def test_without_reservations_a_scheduled_visit_holds_nothing():
    policy = DEFAULT.merged({"scheduled_reserves": False})
    assert effect("scheduled", policy) == "release"
    assert effect("completed", policy) == "use"


def test_merging_nothing_keeps_the_policy():
    assert DEFAULT.merged(None) is DEFAULT
    assert DEFAULT.merged({}) is DEFAULT


def test_merging_leaves_the_original_policy_unchanged():
    DEFAULT.merged({"no_show_uses": True})
    assert DEFAULT == CountingPolicy()


def test_an_unknown_counting_rule_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown counting rule.*no_shows_use"):
        DEFAULT.merged({"no_shows_use": True})


def test_a_counting_rule_must_be_true_or_false():
    with pytest.raises(ValueError, match="no_show_uses must be true or false"):
        DEFAULT.merged({"no_show_uses": "yes"})


def test_an_unknown_visit_status_is_refused():
    with pytest.raises(ValueError, match="unknown visit status 'rescheduled'"):
        effect("rescheduled", DEFAULT)
