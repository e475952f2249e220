"""The benefits sheet's rules: the practice's usual code, progress toward a limit, and an
answer's source in words."""

from __future__ import annotations

from decimal import Decimal

from service.domain.benefit_sheet import (
    FALLBACK_CODE,
    progress,
    session_words,
    source_label,
    usual_code,
)


def test_the_usual_code_is_the_one_booked_most_with_ties_to_the_lowest_code():
    assert usual_code(["90834", " 90837", "90834", "90837", "90791"]) == "90834"
    assert usual_code(["90837", "90834", "90837 "]) == "90837"


def test_a_practice_that_booked_nothing_gets_the_hour_long_session_code():
    assert usual_code([]) == FALLBACK_CODE == "90837"


def test_progress_says_what_is_met_and_its_share_never_past_the_total():
    assert progress({"total": "500.00", "remaining": "125.50"}) == {
        "total": Decimal("500.00"), "remaining": Decimal("125.50"),
        "met": Decimal("374.50"), "percent": 74}
    overpaid = progress({"total": "100", "remaining": "-5"})
    assert overpaid is not None and overpaid["percent"] == 100
    assert progress({"total": "0", "remaining": "0"})["percent"] == 100  # type: ignore[index]


def test_progress_without_a_total_is_none_and_without_a_remainder_has_no_share():
    assert progress(None) is None
    assert progress({"total": None, "remaining": "10"}) is None
    assert progress({"total": "bad"}) is None
    assert progress({"total": "500"}) == {"total": Decimal("500"), "remaining": None,
                                          "met": None, "percent": None}


def test_an_answer_s_source_is_said_in_words_a_live_check_being_a_271():
    assert source_label("payer") == "payer (271)"
    assert source_label(None) == "payer (271)"
    assert source_label("phone") == "payer (by phone)"
    assert source_label("portal") == "payer (portal)"


def test_a_session_code_reads_as_words_and_an_unknown_one_as_itself():
    assert session_words("90834") == "a 45-minute therapy session"
    assert session_words("H0004") == "a session billed as H0004"
