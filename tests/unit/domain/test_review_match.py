"""Whether a 278 names the coverage's subscriber and patient: the comparison rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from payers.x12.parties import Dependent, PersonName, Subscriber
from payers.x12.x278 import Member
from service.domain.review_match import MISMATCHES, mismatches

CARD = Subscriber(member_id="ZZT0000003", name=PersonName(last="Zephyrwood", first="Quillon"),
                  birth_date=date(1984, 3, 17))
CHILD = Dependent(name=PersonName(last="Zephyrwood", first="Juniper"),
                  birth_date=date(2012, 1, 30))
NAMED = Member(last_name="ZEPHYRWOOD", first_name="QUILLON", member_id="ZZT0000003",
               birth_date=date(1984, 3, 17))
NAMED_CHILD = Member(last_name="ZEPHYRWOOD", first_name="JUNIPER", birth_date=date(2012, 1, 30))


def codes(subscriber, dependent=None, expected_dependent=None):
    return [m.code for m in mismatches(subscriber=subscriber, dependent=dependent,
                                       expected=CARD, expected_dependent=expected_dependent)]


@pytest.mark.parametrize("named", [
    NAMED,
    replace(NAMED, member_id="zzt-000 0003"),
    replace(NAMED, last_name="Zéphyrwood", first_name="Q"),
    replace(NAMED, first_name=None, birth_date=None),
])
def test_the_same_member_matches_whatever_the_case_punctuation_accents_or_truncation(named):
    assert codes(named) == []


@pytest.mark.parametrize(("named", "expected"), [
    (None, ["X278_NO_SUBSCRIBER"]),
    (replace(NAMED, member_id="ZZT0000004"), ["X278_SUBSCRIBER_ID_MISMATCH"]),
    (replace(NAMED, member_id=None), ["X278_SUBSCRIBER_ID_MISMATCH"]),
    (replace(NAMED, last_name="ZEPHYRWOODS"), ["X278_SUBSCRIBER_NAME_MISMATCH"]),
    (replace(NAMED, first_name="QUINN"), ["X278_SUBSCRIBER_NAME_MISMATCH"]),
    (replace(NAMED, birth_date=date(1984, 3, 18)), ["X278_SUBSCRIBER_BIRTH_DATE_MISMATCH"]),
])
def test_each_part_that_differs_has_its_own_code(named, expected):
    assert codes(named) == expected


def test_a_dependent_patient_must_be_named_as_the_dependent():
    assert codes(NAMED, NAMED_CHILD, CHILD) == []
    assert codes(NAMED, None, CHILD) == ["X278_PATIENT_MISSING"]
    assert codes(NAMED, NAMED_CHILD, None) == ["X278_PATIENT_NOT_DEPENDENT"]
    assert codes(NAMED, replace(NAMED_CHILD, first_name="SAM"), CHILD) == [
        "X278_PATIENT_NAME_MISMATCH"]
    assert codes(NAMED, replace(NAMED_CHILD, birth_date=date(2013, 1, 30)), CHILD) == [
        "X278_PATIENT_BIRTH_DATE_MISMATCH"]


def test_a_dependent_with_an_own_member_id_is_the_subscriber_of_the_278():
    own = replace(CHILD, member_id="ZZT0000777")
    named = replace(NAMED_CHILD, member_id="ZZT0000777")
    assert codes(named, None, own) == []
    assert codes(NAMED, None, own) == ["X278_SUBSCRIBER_ID_MISMATCH",
                                       "X278_SUBSCRIBER_NAME_MISMATCH",
                                       "X278_SUBSCRIBER_BIRTH_DATE_MISMATCH"]


def test_no_message_carries_data():
    for message in MISMATCHES.values():
        assert "ZEPHYRWOOD" not in message.upper() and "ZZT" not in message
        assert not any(ch.isdigit() for ch in message.replace("2010C", "").replace("278", ""))
