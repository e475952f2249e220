"""Whether an authorization is required, and the reasons about the one a visit would use."""

from datetime import date

from service.domain.authorization_reasons import (
    PayerRules,
    Usage,
    authorization_reasons,
    required_because,
)
from tests.unit.domain.builders import auth, visit

RULES = PayerRules(auth_required_codes=frozenset({"90837"}), auth_after_visits=5)


def test_every_reason_for_a_requirement_is_listed():
    why = required_because(visit(), summary_requires=True, rules=RULES,
                           usage=Usage(visits_this_plan_year=5))
    assert why == ["summary", "code", "after_visits"]


def test_nothing_requires_an_authorization_by_default():
    assert required_because(visit(), summary_requires=None, rules=PayerRules(),
                            usage=Usage()) == []


def test_only_a_true_answer_from_the_payer_requires_one():
    for said in (False, None, "Y"):
        assert required_because(visit(), summary_requires=said, rules=PayerRules(),
                                usage=Usage()) == []


def test_a_requirement_after_zero_visits_applies_from_the_first_visit():
    rules = PayerRules(auth_after_visits=0)
    assert required_because(visit(), summary_requires=None, rules=rules,
                            usage=Usage()) == ["after_visits"]


def test_the_fitting_authorization_is_returned_with_its_warnings():
    found, chosen = authorization_reasons(
        visit(), auths=[auth(quantity=2)], summary_requires=None, rules=PayerRules(),
        usage=Usage(), low_threshold=2, expiring_days=14)
    assert chosen is not None and chosen.id == "auth-1"
    assert [r.code for r in found] == ["AUTH_LOW"]
    assert found[0].data["remaining"] == 1


def test_a_unit_based_authorization_warns_in_units_after_this_visits_draw():
    units = auth(unit="unit", quantity=12, minutes_per_unit=15, codes=frozenset({"H0004"}))
    found, _ = authorization_reasons(
        visit(code="H0004", minutes=60), auths=[units], summary_requires=None,
        rules=PayerRules(), usage=Usage(), low_threshold=8, expiring_days=0)
    assert found[0].data["remaining"] == 8
    assert "8 units left" in found[0].message


def test_an_authorization_ending_on_the_visit_day_is_expiring_with_zero_days_left():
    found, _ = authorization_reasons(
        visit(date=date(2026, 6, 30)), auths=[auth(quantity=10)], summary_requires=None,
        rules=PayerRules(), usage=Usage(), low_threshold=0, expiring_days=0)
    assert [(r.code, r.data["days_after_visit"]) for r in found] == [("AUTH_EXPIRING", 0)]


def test_no_authorization_and_no_requirement_give_nothing():
    assert authorization_reasons(
        visit(), auths=[], summary_requires=None, rules=PayerRules(), usage=Usage(),
        low_threshold=2, expiring_days=14) == ([], None)
