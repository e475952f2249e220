"""The 270 a route sends for a query, and the reading of the 271 text a payer answers."""

from __future__ import annotations

from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.verify import verify
from payers.x12.build import Envelope, Usage, X12BuildError
from payers.x12.envelope import read_interchange
from payers.x12.errors import X12Error
from payers.x12.parties import InformationSource
from payers.x12.x270 import EligibilityRequest, build_270
from payers.x12.x271 import Eligibility271, read_271

NAME_LENGTH = 60  # NM103 maximum


def build_request(entry: PayerEntry, query: EligibilityQuery) -> str:
    """One interchange holding one 270; the query's control number is ISA13, GS06 and ST02.

    A query that cannot be written (a delimiter in a name, a bad NPI) is refused with
    REQUEST_INVALID: nothing was sent, and the message names the field, not the value.
    """
    envelope = Envelope(
        sender_id=entry.sender_id, receiver_id=entry.isa_receiver, usage=Usage(entry.isa_usage),
        timestamp=query.submitted_at, interchange_control_number=query.control_number,
        group_control_number=query.control_number)
    request = EligibilityRequest(
        control_number=query.control_number,
        # BHT03 echoes the trace: a 271 with no patient level (a payer-level AAA) can still
        # be matched to its inquiry.
        reference=query.inquiry.trace_number,
        source=InformationSource(name=entry.name[:NAME_LENGTH], payer_id=entry.payer_id),
        receiver=query.receiver, trace_originator=entry.trn_originator,
        inquiries=(query.inquiry,))
    try:
        return build_270(envelope=envelope, requests=[request])
    except X12BuildError as exc:
        raise PayerError(PayerErrorCode.REQUEST_INVALID, f"the inquiry cannot be sent: {exc}",
                         route=entry.id, reached_payer=False,
                         exchange=Exchange(route=entry.id, request="")) from exc


def read_reply(text: str, *, route: str, trace_number: str) -> Eligibility271:
    """The 271 answering ``trace_number`` from a payer's X12 reply.

    A reply holding only a 999 or TA1 is the payer refusing our envelope (ENVELOPE_ERROR);
    anything unreadable, or without a 271, is RESPONSE_INVALID.
    """
    try:
        interchange = read_interchange(text)
        answers = [read_271(t) for t in interchange.transactions if t.set_id == "271"]
    except X12Error as exc:
        raise _invalid(route, f"the reply is not readable X12 ({exc})") from exc
    if not answers:
        if interchange.ta1 or any(t.set_id == "999" for t in interchange.transactions):
            raise PayerError(PayerErrorCode.ENVELOPE_ERROR, "the payer rejected the "
                             "interchange with a 999/TA1 acknowledgment", route=route,
                             reached_payer=True)
        raise _invalid(route, "the reply holds no 271 transaction set")
    for answer in answers:
        if trace_number in _traces(answer):
            return answer
    return answers[0]  # verify() explains what is wrong with it


def answer_from_x12(x271: str, *, query: EligibilityQuery, route: str,
                    exchange: Exchange) -> EligibilityAnswer:
    """The verified answer a payer's 271 text gives; any PayerError carries ``exchange``."""
    try:
        answer = read_reply(x271, route=route, trace_number=query.inquiry.trace_number)
        verify(query, answer, route=route)
    except PayerError as err:
        err.exchange = exchange
        raise
    return EligibilityAnswer(exchange=exchange, response=answer, routes_tried=(route,))


def _traces(answer: Eligibility271) -> set[str]:
    return {t.reference for letter in "CD" for level in answer.levels(letter)
            for t in level.traces if t.trace_type == "2"}


def _invalid(route: str, message: str) -> PayerError:
    return PayerError(PayerErrorCode.RESPONSE_INVALID, message, route=route,
                      reached_payer=True)
