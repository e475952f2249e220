"""The verdict before a visit: every reason code, triggered and not, and how they add up."""

import json
from datetime import date, timedelta

import pytest

from service.domain.allocation import simulate
from service.domain.verdict import (
    REASON_CODES,
    PayerRules,
    Settings,
    Usage,
    Verdict,
    evaluate,
)
from tests.unit.domain.builders import NOW, NPI_A, NPI_B, auth, coverage, summary, visit


def judge(**kwargs) -> Verdict:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("coverage", coverage())
    kwargs.setdefault("auths", [])
    return evaluate(kwargs.pop("visit", visit()), **kwargs)


def codes(verdict: Verdict) -> list[str]:
    return [r.code for r in verdict.reasons]


def only(verdict: Verdict, code: str):
    found = [r for r in verdict.reasons if r.code == code]
    assert len(found) == 1, codes(verdict)
    return found[0]


# One scenario per reason code: what triggers it. The catalogue test below makes sure
# every code has one.
TRIGGERS = {
    "COVERAGE_INACTIVE": {"coverage": coverage(
        last_check_status="inactive", summary=summary(active=False))},
    "COVERAGE_ENDS_BEFORE_VISIT": {"coverage": coverage(summary=summary(
        plan={"name": None, "group_number": None, "begin": "2025-03-01",
              "end": "2026-03-08"}))},
    "PLAN_RENEWAL_UNVERIFIED": {"coverage": coverage(summary=summary(
        plan={"name": None, "group_number": None, "begin": "2025-03-01", "end": "2026-03-08",
              "eligibility_end": None}))},
    "COVERAGE_ENDED": {"coverage": coverage(ended_on=date(2026, 3, 8))},
    "ELIGIBILITY_UNVERIFIED": {"coverage": coverage(
        last_check_status=None, last_check_at=None, last_answer_at=None, summary=None)},
    "ELIGIBILITY_CHECK_FAILED": {"coverage": coverage(last_check_status="error")},
    "CODE_NOT_COVERED": {"coverage": coverage(summary=summary(non_covered_codes=["90837"]))},
    "CARVE_OUT": {"coverage": coverage(summary=summary(
        carve_out={"name": "Mindful Behavioral Health", "payer_id": "MBH01",
                   "phone": "8005550100"}))},
    "PROVIDER_OUT_OF_NETWORK": {"coverage": coverage(summary=summary(provider_network={
        "status": "out",
        "evidence": "Provider is out of network based on NPI ID provided in request"}))},
    "OTHER_COVERAGE_REPORTED": {"coverage": coverage(summary=summary(other_coverage=[
        {"payer_name": "MEDICARE PART B TEST", "payer_id": "00000", "member_id": "TESTMBI0001",
         "hint": "Primary payer; Medicare Part B"}]))},
    "MH_BENEFITS_NOT_REPORTED": {"coverage": coverage(summary=summary(
        mh_benefits_reported=False))},
    "VISIT_LIMIT_REACHED": {
        "coverage": coverage(summary=summary(
            visit_limit={"total": 20, "remaining": 3, "period": "Calendar Year"})),
        "usage": Usage(visits_since_answer=3, visits_this_plan_year=17)},
    "VISIT_LIMIT_LOW": {"coverage": coverage(summary=summary(
        visit_limit={"total": 20, "remaining": 3, "period": "Calendar Year"}))},
    "VISIT_LIMIT_UNVERIFIED": {
        "coverage": coverage(summary=summary(
            visit_limit={"total": 20, "remaining": 0, "period": "Calendar Year"})),
        "usage": Usage(new_period_from=date(2026, 1, 1))},
    "AUTH_REQUIRED": {"coverage": coverage(summary=summary(auth_required=True))},
    "AUTH_NOT_APPROVED": {"auths": [auth(status="pending")]},
    "AUTH_NOT_STARTED": {"auths": [auth(start_date=date(2026, 4, 1))]},
    "AUTH_EXPIRED": {"auths": [auth(end_date=date(2026, 2, 28))]},
    "AUTH_EXHAUSTED": {"auths": [auth(used=1, reserved=2)]},
    "AUTH_CODE_NOT_COVERED": {"auths": [auth(codes=frozenset({"90834"}))]},
    "AUTH_PROVIDER_MISMATCH": {"visit": visit(provider_npi=NPI_B),
                               "auths": [auth(provider_npi=NPI_A)]},
    "AUTH_LOW": {"auths": [auth(quantity=3)]},
    "AUTH_EXPIRING": {"auths": [auth(quantity=10, end_date=date(2026, 3, 20))]},
    "CPT_TIME_MISMATCH": {"visit": visit(minutes=40)},
}


def test_every_reason_code_in_the_catalogue_has_a_triggering_scenario():
    assert set(TRIGGERS) == set(REASON_CODES)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_reason_is_triggered_with_its_catalogue_severity(code):
    verdict = judge(**TRIGGERS[code])
    found = only(verdict, code)
    severity = REASON_CODES[code][0]
    assert found.severity == severity
    assert verdict.status == {"block": "not_covered", "warn": "at_risk"}[severity]


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_message_is_a_finished_sentence_with_json_ready_data(code):
    found = only(judge(**TRIGGERS[code]), code)
    assert found.message[0].isupper() and found.message.endswith(".")
    assert "{" not in found.message and "None" not in found.message
    json.dumps(found.to_dict())


def test_a_verified_active_coverage_with_nothing_of_note_is_covered():
    verdict = judge()
    assert verdict == Verdict("covered", [], None)


def test_the_verdict_becomes_a_json_ready_dict():
    verdict = judge(auths=[auth(quantity=3)])
    assert verdict.to_dict() == {
        "status": "at_risk", "authorization_id": "auth-1",
        "reasons": [{"code": "AUTH_LOW", "severity": "warn",
                     "message": "Authorization PA-1001 will have 2 visits left after this visit: "
                                "request more from the payer now.",
                     "data": {"authorization_id": "auth-1", "number": "PA-1001",
                              "remaining": 2, "quantity": 3}}]}


def test_blocks_are_listed_before_warnings_and_decide_the_status():
    verdict = judge(visit=visit(minutes=40), coverage=coverage(last_check_status="error"),
                    auths=[auth(end_date=date(2026, 2, 28))])
    assert codes(verdict) == ["AUTH_EXPIRED", "ELIGIBILITY_CHECK_FAILED", "CPT_TIME_MISMATCH"]
    assert verdict.status == "not_covered"


# Coverage


def test_an_inactive_answer_stands_even_when_a_later_check_failed():
    verdict = judge(coverage=coverage(last_check_status="error", summary=summary(active=False)))
    assert codes(verdict) == ["COVERAGE_INACTIVE", "ELIGIBILITY_CHECK_FAILED"]
    assert only(verdict, "COVERAGE_INACTIVE").data == {"checked_at": "2026-03-01T09:00:00+00:00"}


@pytest.mark.parametrize("active", [True, None])
def test_coverage_not_said_to_be_inactive_is_not_blocked(active):
    assert "COVERAGE_INACTIVE" not in codes(judge(coverage=coverage(
        summary=summary(active=active))))


def test_a_plan_ending_before_the_visit_says_when_it_ends():
    found = only(judge(**TRIGGERS["COVERAGE_ENDS_BEFORE_VISIT"]), "COVERAGE_ENDS_BEFORE_VISIT")
    assert found.data == {"ends": "2026-03-08", "visit_date": "2026-03-09"}
    assert "2026-03-08" in found.message


@pytest.mark.parametrize("end", ["2026-03-09", None])
def test_a_plan_ending_on_the_visit_day_or_open_ended_is_fine(end):
    plan = {"name": None, "group_number": None, "begin": None, "end": end}
    assert judge(coverage=coverage(summary=summary(plan=plan))).status == "covered"


def test_never_verified_eligibility_is_unverified():
    found = only(judge(**TRIGGERS["ELIGIBILITY_UNVERIFIED"]), "ELIGIBILITY_UNVERIFIED")
    assert found.data == {"last_verified": None, "unverified_days": 30}
    assert "never been verified" in found.message


def test_an_answer_older_than_the_window_is_unverified_and_one_inside_it_is_not():
    stale = NOW - timedelta(days=30, seconds=1)
    found = only(judge(coverage=coverage(last_answer_at=stale, last_check_at=stale)),
                 "ELIGIBILITY_UNVERIFIED")
    assert found.data["last_verified"] == stale.isoformat()
    edge = NOW - timedelta(days=30)
    assert judge(coverage=coverage(last_answer_at=edge)).status == "covered"


def test_the_unverified_window_is_a_setting():
    answered = NOW - timedelta(days=8)
    state = coverage(last_answer_at=answered, last_check_at=answered)
    assert judge(coverage=state).status == "covered"
    assert codes(judge(coverage=state, settings=Settings(unverified_days=7))) == [
        "ELIGIBILITY_UNVERIFIED"]


@pytest.mark.parametrize("status", ["error", "rejected"])
def test_a_failed_latest_check_is_a_warning_with_its_status(status):
    found = only(judge(coverage=coverage(last_check_status=status)), "ELIGIBILITY_CHECK_FAILED")
    assert found.data["status"] == status


@pytest.mark.parametrize("status", ["active", "inactive", None])
def test_an_answered_or_missing_check_is_not_a_failed_check(status):
    assert "ELIGIBILITY_CHECK_FAILED" not in codes(judge(coverage=coverage(
        last_check_status=status)))


# Benefits


def test_a_code_the_payer_excludes_is_not_covered():
    found = only(judge(**TRIGGERS["CODE_NOT_COVERED"]), "CODE_NOT_COVERED")
    assert found.data == {"code": "90837", "basis": "code"}
    other = coverage(summary=summary(non_covered_codes=["90837"]))
    assert judge(visit=visit(code="90834", minutes=45), coverage=other).status == "covered"


def test_mental_health_excluded_as_a_whole_blocks_mental_health_codes_only():
    excluded = coverage(summary=summary(non_covered=True))
    assert only(judge(coverage=excluded), "CODE_NOT_COVERED").data["basis"] == "mental_health"
    assert judge(visit=visit(code="99213", minutes=None), coverage=excluded).status == "covered"
    assert judge(coverage=coverage(summary=summary(non_covered=False))).status == "covered"


def test_a_carve_out_says_whom_to_call():
    found = only(judge(**TRIGGERS["CARVE_OUT"]), "CARVE_OUT")
    assert "Mindful Behavioral Health" in found.message and "8005550100" in found.message
    assert found.data == {"name": "Mindful Behavioral Health", "payer_id": "MBH01",
                          "phone": "8005550100"}


def test_a_carve_out_without_a_name_asks_the_payer_which_company():
    found = only(judge(coverage=coverage(summary=summary(
        carve_out={"name": None, "payer_id": None, "phone": None}))), "CARVE_OUT")
    assert "call the payer" in found.message


def test_the_visit_limit_counts_visits_booked_since_the_check():
    found = only(judge(**TRIGGERS["VISIT_LIMIT_REACHED"]), "VISIT_LIMIT_REACHED")
    assert found.data == {"limit": 20, "remaining": 0, "period": "Calendar Year"}


def test_the_visit_limit_is_low_when_few_visits_remain_after_this_one():
    found = only(judge(**TRIGGERS["VISIT_LIMIT_LOW"]), "VISIT_LIMIT_LOW")
    assert found.data == {"limit": 20, "remaining": 2, "period": "Calendar Year"}


def test_a_visit_limit_with_room_left_says_nothing():
    roomy = coverage(summary=summary(visit_limit={"total": 20, "remaining": 4, "period": None}))
    assert judge(coverage=roomy).status == "covered"
    tight = Settings(visit_limit_low_threshold=3)
    assert codes(judge(coverage=roomy, settings=tight)) == ["VISIT_LIMIT_LOW"]


def test_a_visit_limit_known_only_by_its_total_uses_the_visits_of_its_period():
    total_only = coverage(summary=summary(visit_limit={"total": 20, "remaining": None,
                                                       "period": "Calendar Year"}))
    assert "VISIT_LIMIT_REACHED" in codes(judge(
        coverage=total_only, usage=Usage(visits_in_period=20)))
    assert judge(coverage=total_only, usage=Usage(visits_in_period=10)).status == "covered"


def test_a_fractional_remaining_count_is_rounded_down():
    frac = coverage(summary=summary(visit_limit={"total": None, "remaining": "0.5",
                                                 "period": None}))
    assert "VISIT_LIMIT_REACHED" in codes(judge(coverage=frac))


# Authorizations required


def test_the_payers_answer_can_require_an_authorization():
    found = only(judge(**TRIGGERS["AUTH_REQUIRED"]), "AUTH_REQUIRED")
    assert found.data["why"] == ["summary"]


def test_payer_rules_can_require_an_authorization_for_a_code():
    rules = PayerRules(auth_required_codes=frozenset({"96130"}))
    assert only(judge(visit=visit(code="96130", minutes=None), rules=rules),
                "AUTH_REQUIRED").data["why"] == ["code"]
    assert judge(rules=rules).status == "covered"


def test_payer_rules_can_require_an_authorization_after_some_visits_a_year():
    rules = PayerRules(auth_after_visits=12)
    found = only(judge(rules=rules, usage=Usage(visits_this_plan_year=12)), "AUTH_REQUIRED")
    assert found.data["why"] == ["after_visits"]
    assert found.data["after_visits"] == 12 and found.data["visits_this_plan_year"] == 12
    assert judge(rules=rules, usage=Usage(visits_this_plan_year=11)).status == "covered"


def test_a_fitting_authorization_satisfies_the_requirement():
    verdict = judge(coverage=TRIGGERS["AUTH_REQUIRED"]["coverage"],
                    auths=[auth(quantity=12)])
    assert verdict == Verdict("covered", [], "auth-1")


def test_without_a_requirement_the_absence_of_an_authorization_is_not_a_reason():
    assert judge(auths=[]).status == "covered"
    assert judge(coverage=coverage(summary=summary(auth_required=False))).status == "covered"


def test_when_the_payer_says_none_is_needed_a_misfitting_authorization_is_ignored():
    state = coverage(summary=summary(auth_required=False))
    verdict = judge(coverage=state, auths=[auth(end_date=date(2026, 2, 28))])
    assert verdict == Verdict("covered", [], None)


def test_a_required_authorization_that_expired_reports_both_facts():
    verdict = judge(coverage=TRIGGERS["AUTH_REQUIRED"]["coverage"],
                    auths=[auth(end_date=date(2026, 2, 28))])
    assert codes(verdict) == ["AUTH_REQUIRED", "AUTH_EXPIRED"]


# Authorizations that do not fit


def test_only_the_closest_authorization_s_misfits_are_reported():
    expired = auth(id="a", number="PA-1", end_date=date(2026, 2, 28))
    wrong_code_and_denied = auth(id="b", number="PA-2", status="denied",
                                 codes=frozenset({"90834"}))
    verdict = judge(auths=[wrong_code_and_denied, expired])
    assert codes(verdict) == ["AUTH_EXPIRED"]
    assert only(verdict, "AUTH_EXPIRED").data == {
        "authorization_id": "a", "number": "PA-1", "ended": "2026-02-28"}
    assert verdict.authorization_id is None


def test_a_pending_authorization_says_its_status():
    assert only(judge(**TRIGGERS["AUTH_NOT_APPROVED"]), "AUTH_NOT_APPROVED").data[
        "status"] == "pending"


def test_an_authorization_not_yet_started_says_when_it_starts():
    assert only(judge(**TRIGGERS["AUTH_NOT_STARTED"]), "AUTH_NOT_STARTED").data[
        "starts"] == "2026-04-01"


def test_an_exhausted_authorization_gives_the_numbers():
    found = only(judge(**TRIGGERS["AUTH_EXHAUSTED"]), "AUTH_EXHAUSTED")
    assert (found.data["remaining"], found.data["quantity"], found.data["needed"]) == (0, 3, 1)


def test_an_authorization_for_other_codes_lists_what_it_covers():
    found = only(judge(**TRIGGERS["AUTH_CODE_NOT_COVERED"]), "AUTH_CODE_NOT_COVERED")
    assert found.data["code"] == "90837" and found.data["covered"] == ["90834"]


def test_an_authorization_for_another_provider_names_that_provider():
    found = only(judge(**TRIGGERS["AUTH_PROVIDER_MISMATCH"]), "AUTH_PROVIDER_MISMATCH")
    assert found.data["provider_npi"] == NPI_A


# Authorizations that fit


def test_an_authorization_running_low_after_this_visit_warns():
    found = only(judge(**TRIGGERS["AUTH_LOW"]), "AUTH_LOW")
    assert found.data["remaining"] == 2
    assert judge(auths=[auth(quantity=4)]).status == "covered"
    assert codes(judge(auths=[auth(quantity=4)], settings=Settings(auth_low_threshold=3))) == [
        "AUTH_LOW"]


def test_an_authorization_ending_within_the_window_after_the_visit_warns():
    found = only(judge(**TRIGGERS["AUTH_EXPIRING"]), "AUTH_EXPIRING")
    assert found.data["ends"] == "2026-03-20" and found.data["days_after_visit"] == 11


@pytest.mark.parametrize(("end", "warns"), [(date(2026, 3, 23), True),
                                            (date(2026, 3, 24), False)])
def test_the_expiry_window_counts_days_from_the_visit_date(end, warns):
    verdict = judge(auths=[auth(quantity=10, end_date=end)])
    assert ("AUTH_EXPIRING" in codes(verdict)) is warns


def test_the_chosen_authorization_is_named_in_the_verdict():
    sooner = auth(id="sooner", quantity=10, end_date=date(2026, 5, 31))
    later = auth(id="later", quantity=10, end_date=date(2026, 12, 31))
    assert judge(auths=[later, sooner]).authorization_id == "sooner"


# Time rules


def test_minutes_that_do_not_fit_the_code_suggest_the_right_one():
    found = only(judge(**TRIGGERS["CPT_TIME_MISMATCH"]), "CPT_TIME_MISMATCH")
    assert found.data == {"expected_min": 53, "expected_max": None, "minutes": 40,
                          "suggested_code": "90834"}
    assert "bill 90834 instead" in found.message


@pytest.mark.parametrize("minutes", [53, None])
def test_fitting_or_unknown_minutes_raise_no_time_warning(minutes):
    assert judge(visit=visit(minutes=minutes)).status == "covered"


# Payer rules


def test_payer_rules_are_read_from_the_directory_mapping():
    rules = PayerRules.from_mapping({"auth_required_codes": ["96130", "h0004"],
                                     "auth_required_after_visits": 20,
                                     "counting": {"no_show_uses": True}})
    assert rules == PayerRules(auth_required_codes=frozenset({"96130", "H0004"}),
                               auth_after_visits=20)
    assert PayerRules.from_mapping(None) == PayerRules()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [({"auth_after_visits": 3}, "unknown payer rule"),
     ({"auth_required_codes": "90837"}, "list of CPT/HCPCS codes"),
     ({"auth_required_after_visits": -1}, "whole number"),
     ({"auth_required_after_visits": True}, "whole number")],
)
def test_malformed_payer_rules_are_refused(mapping, message):
    with pytest.raises(ValueError, match=message):
        PayerRules.from_mapping(mapping)


# The worked scenario of issue 5


def test_a_three_visit_authorization_is_counted_through_the_ledger():
    # Given an authorization of 3 visits for 90837, January to June 2026
    fresh = auth(quantity=3, codes=frozenset({"90837"}), start_date=date(2026, 1, 1),
                 end_date=date(2026, 6, 30))
    fourth = visit(date=date(2026, 3, 30), code="90837", minutes=55)

    # When three scheduled visits reserve all three, the fourth is not covered
    full = auth(quantity=3, reserved=3)
    verdict = judge(visit=fourth, auths=[full])
    assert verdict.status == "not_covered"
    assert codes(verdict) == ["AUTH_EXHAUSTED"]
    assert only(verdict, "AUTH_EXHAUSTED").data["remaining"] == 0

    # When one of them is cancelled, the fourth fits (with a warning that it is the last)
    after_cancel = auth(quantity=3, reserved=2)
    verdict = judge(visit=fourth, auths=[after_cancel])
    assert verdict.status == "at_risk"
    assert codes(verdict) == ["AUTH_LOW"]
    assert verdict.authorization_id == "auth-1"

    # A 90834 visit is outside the authorization's codes
    assert codes(judge(visit=visit(code="90834", minutes=45), auths=[after_cancel])) == [
        "AUTH_CODE_NOT_COVERED"]

    # A visit after the end date finds it expired
    assert codes(judge(visit=visit(date=date(2026, 7, 6)), auths=[after_cancel])) == [
        "AUTH_EXPIRED"]

    # Six weekly visits from a fresh authorization: the fourth onwards have none
    weekly = [visit(date=date(2026, 3, 2) + timedelta(weeks=i)) for i in range(6)]
    allocated = simulate([fresh], weekly)
    assert [a is not None for a in allocated] == [True, True, True, False, False, False]
    assert allocated[2] is not None and allocated[2].remaining == 0

    # 90837 for 40 minutes is a coding error
    assert "CPT_TIME_MISMATCH" in codes(judge(visit=visit(minutes=40), auths=[fresh]))


PLAN_2025 = {"name": None, "group_number": None, "begin": "2025-03-01", "end": "2026-03-08"}


def test_a_plan_year_ending_before_the_visit_is_a_renewal_to_confirm_not_a_block():
    renewing = coverage(summary=summary(plan={**PLAN_2025, "eligibility_end": None}))
    verdict = judge(coverage=renewing)
    assert verdict.status == "at_risk"
    found = only(verdict, "PLAN_RENEWAL_UNVERIFIED")
    assert found.data == {"plan_end": "2026-03-08", "renews": "2026-03-09",
                          "visit_date": "2026-03-09"}
    assert "on or after 2026-03-09" in found.message


def test_an_eligibility_end_before_the_visit_still_blocks_whatever_the_plan_says():
    ended = coverage(summary=summary(plan={**PLAN_2025, "end": "2026-12-31",
                                           "eligibility_end": "2026-03-08"}))
    verdict = judge(coverage=ended)
    assert verdict.status == "not_covered"
    assert codes(verdict) == ["COVERAGE_ENDS_BEFORE_VISIT"]
    assert only(verdict, "COVERAGE_ENDS_BEFORE_VISIT").data["ends"] == "2026-03-08"


def test_an_inactive_answer_past_its_plan_end_blocks_without_a_renewal_reason():
    inactive = coverage(last_check_status="inactive", summary=summary(
        active=False, plan={**PLAN_2025, "eligibility_end": None}))
    verdict = judge(coverage=inactive)
    assert verdict.status == "not_covered"
    assert "PLAN_RENEWAL_UNVERIFIED" not in codes(verdict)


@pytest.mark.parametrize(("booked", "left"), [(0, 19), (5, 14), (20, 0), (30, 0)])
def test_a_visit_in_a_new_limit_period_counts_against_the_total_and_never_blocks(booked, left):
    used_up = coverage(summary=summary(
        visit_limit={"total": 20, "remaining": 0, "period": "Calendar Year"}))
    verdict = judge(coverage=used_up, usage=Usage(
        visits_since_answer=booked, visits_in_period=booked, new_period_from=date(2026, 1, 1)))
    assert verdict.status == "at_risk"
    found = only(verdict, "VISIT_LIMIT_UNVERIFIED")
    assert found.data == {"limit": 20, "remaining": left, "period": "Calendar Year",
                          "period_start": "2026-01-01"}
    assert "on or after 2026-01-01" in found.message
    # The same visit in the answer's own period: last period's remainder is used up.
    assert judge(coverage=used_up).status == "not_covered"


def test_an_ended_coverage_blocks_only_the_visits_after_its_end_date():
    assert "COVERAGE_ENDED" not in codes(judge(coverage=coverage(ended_on=date(2026, 3, 9))))
    found = only(judge(coverage=coverage(ended_on=date(2026, 3, 8))), "COVERAGE_ENDED")
    assert found.data == {"ended_on": "2026-03-08", "visit_date": "2026-03-09"}
