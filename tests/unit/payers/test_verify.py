"""Reply checks: a 271 must echo our trace and name the person we asked about."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pytest

from payers.adapters.sandbox.payer import reply_for, write_reply
from payers.adapters.sandbox.read import Person, read_270
from payers.base import PayerError, PayerErrorCode
from payers.inquiry import build_request, read_reply
from payers.verify import verify
from payers.x12.parties import Dependent, PersonName
from payers.x12.x271 import Eligibility271, Trace
from tests.unit.payers.builders import ACTIVE, FIRST, LAST, TRACE, entry, query


def _check(reply_change: Mapping[str, object], *, the_query=None,  # type: ignore[no-untyped-def]
           edit: Callable[[Eligibility271], None] | None = None) -> None:
    """The simulated payer answers what it read, changed by ``reply_change`` (fields of the
    270 it echoes); the 271 text is read back, ``edit``ed, and verified."""
    q = the_query or query(ACTIVE)
    read = replace(read_270(build_request(entry(), q)), **reply_change)  # type: ignore[arg-type]
    answer = read_reply(write_reply(read, reply_for(read)), route="route-a",
                        trace_number=TRACE)
    if edit is not None:
        edit(answer)
    verify(q, answer, route="route-a")


def _problem(reply_change: Mapping[str, object], **kwargs: object) -> str:
    with pytest.raises(PayerError) as caught:
        _check(reply_change, **kwargs)
    assert caught.value.code is PayerErrorCode.RESPONSE_INVALID
    assert caught.value.reached_payer is True
    return caught.value.message


def test_a_matching_reply_passes() -> None:
    _check({})


def test_a_reply_without_our_trace_is_refused() -> None:
    def payers_own_trace_only(answer: Eligibility271) -> None:
        answer.levels("C")[0].traces = [Trace("1", TRACE, "9X", "")]

    assert "does not echo our trace" in _problem({"trace": ("CW-OTHER", "9X")})
    assert "does not echo our trace" in _problem({}, edit=payers_own_trace_only)


def test_a_reply_about_another_member_id_or_surname_is_refused() -> None:
    other_id = Person(last=LAST.upper(), first=FIRST.upper(), member_id="ZZT0000888")
    other_name = Person(last="BRACKENHOLT", first=FIRST.upper(), member_id=ACTIVE)

    assert "another member id" in _problem({"subscriber": other_id})
    assert "another subscriber" in _problem({"subscriber": other_name})


def test_ids_and_names_are_compared_without_case_or_surrounding_spaces() -> None:
    _check({"subscriber": Person(last=f" {LAST.lower()} ", member_id=ACTIVE.lower())})


def test_a_reply_without_a_last_name_is_judged_by_its_member_id() -> None:
    _check({"subscriber": Person(last="", member_id=ACTIVE)})


def test_a_payer_level_rejection_must_echo_our_reference() -> None:
    unable_to_respond = query("ZZT0000042")  # the simulated payer's AAA 42 at 2100A

    _check({}, the_query=unable_to_respond)
    assert "does not echo our reference" in _problem({"reference": "CW-OTHER"},
                                                     the_query=unable_to_respond)


def test_a_reply_with_neither_patient_nor_rejection_is_refused() -> None:
    assert "no patient and no rejection" in _problem({"subscriber": None})


def test_a_dependent_reply_must_name_the_dependent() -> None:
    base = query(ACTIVE)
    child = Dependent(name=PersonName(last="Quarrowby-Vale", first="Wrenna"))
    the_query = replace(base, inquiry=replace(base.inquiry, dependent=child))

    _check({}, the_query=the_query)
    assert "another dependent" in _problem(
        {"dependent": Person(last="ELSEWHERE", first="WRENNA")}, the_query=the_query)


def test_messages_name_no_patient_data() -> None:
    message = _problem({"subscriber": Person(last="BRACKENHOLT", member_id="ZZT0000888")})

    for value in (LAST, FIRST, ACTIVE, "ZZT0000888", "BRACKENHOLT"):
        assert value.lower() not in message.lower()
