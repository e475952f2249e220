"""The 271 writer and the reading of payer replies (golden files, acknowledgments)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from payers.adapters.sandbox.payer import reply_for, simulate, write_reply
from payers.adapters.sandbox.read import Person, read_270
from payers.adapters.sandbox.reply271 import clean
from payers.base import PayerError, PayerErrorCode
from payers.inquiry import build_request, read_reply
from payers.x12.summary import summarize
from payers.x12.x271 import read_271s
from tests.unit.payers.builders import ACTIVE, TRACE, entry, query, reply_271

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "payers"


@pytest.mark.parametrize(("member_id", "name"), [
    (ACTIVE, "sandbox_active"), ("ZZT0000004", "sandbox_carve_out"),
    ("ZZT0000072", "sandbox_aaa72"),
])
def test_the_sandbox_exchange_equals_the_golden_files_byte_for_byte(
    member_id: str, name: str,
) -> None:
    x270 = build_request(entry(), query(member_id))
    outcome = simulate(x270)

    assert x270 == (FIXTURES / f"{name}.270").read_text(encoding="ascii")
    assert outcome.x271 == (FIXTURES / f"{name}.271").read_text(encoding="ascii")


def test_the_reply_for_our_trace_is_chosen_among_several_271s() -> None:
    x270 = build_request(entry(), query(ACTIVE))
    ours = reply_271(x270)
    other = reply_271(x270, trace="CW-ELSEWHERE")
    # Two interchanges are not one reply; two sets in one interchange are.
    body = ours.split("~ST*", 1)[0] + "~ST*" + other.split("~ST*", 1)[1].split("~SE*")[0] + \
        "~SE*" + other.split("~SE*", 1)[1].split("~GE*")[0] + "~ST*" + \
        ours.split("~ST*", 1)[1].split("~GE*")[0] + "~GE*2*" + ours.split("~GE*1*", 1)[1]

    answer = read_reply(body, route="r", trace_number=TRACE)

    assert len(read_271s(body)) == 2

    assert [t.reference for t in answer.levels("C")[0].traces if t.trace_type == "2"] == [
        TRACE]


def test_a_999_instead_of_a_271_is_an_envelope_error() -> None:
    ack = ("ISA*00*          *00*          *ZZ*TIDE01         *ZZ*COVERWATCH     *261102*1500*^"
           "*00501*000000041*0*P*:~GS*FA*TIDE01*COVERWATCH*20261102*1500*41*X*005010X231A1~"
           "ST*999*0001*005010X231A1~AK1*HS*41*005010X279A1~AK9*R*1*1*0~SE*4*0001~GE*1*41~"
           "IEA*1*000000041~")

    with pytest.raises(PayerError) as caught:
        read_reply(ack, route="r", trace_number=TRACE)

    assert caught.value.code is PayerErrorCode.ENVELOPE_ERROR


@pytest.mark.parametrize("text", ["", "ISA*00*short~", "<html/>"])
def test_text_that_is_not_a_readable_271_is_an_invalid_response(text: str) -> None:
    with pytest.raises(PayerError) as caught:
        read_reply(text, route="r", trace_number=TRACE)

    assert caught.value.code is PayerErrorCode.RESPONSE_INVALID


def test_free_text_loses_delimiters_and_non_ascii_characters() -> None:
    assert clean("Café * Plan ~ Gold:^|>") == "Caf Plan Gold"
    assert clean("  ") is None
    assert clean("x" * 100) == "x" * 80


@pytest.mark.parametrize("member_id", [ACTIVE, "ZZT0000002", "ZZT0000003", "ZZT0000004",
                                       "ZZT0000005", "ZZT0000042", "ZZT0000072"])
@pytest.mark.parametrize("with_dependent", [False, True])
def test_a_made_271_written_and_read_back_is_the_same_271(
    member_id: str, with_dependent: bool,
) -> None:
    read = read_270(build_request(entry(), query(member_id)))
    if with_dependent:
        read.dependent = Person(last="QUARROWBY", first="WRENNA", birth_date=date(2015, 3, 1),
                                gender="F")
    made = reply_for(read)

    (decoded,) = read_271s(write_reply(read, made))

    assert decoded.to_dict() == made.to_dict()
    assert summarize(decoded).to_json_dict() == summarize(made).to_json_dict()
