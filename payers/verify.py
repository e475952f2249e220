"""Checks that a decoded reply answers our inquiry, applied to every adapter's reply.

A 271 that does not echo our trace number (TRN01 2 at the patient's level, or BHT03 when
the payer answered before reaching the patient loop; a route whose replies echo another
identifier of the request, like the clearinghouse's controlNumber, passes it as ``echo``),
or whose member id / last name is not the person we asked about, belongs to another
inquiry: showing it would put another patient's benefits on this patient's record, so it is
refused as PAYER_RESPONSE_INVALID.
An AAA rejection in a matching 271 is an answer, not an error.

Member ids and names are compared upper-case without surrounding spaces (the 270 sends
them upper-case). A payer that corrected the identifying data says so with INS03/04
001/25; the member id may then differ, but the trace must still match.
"""

from __future__ import annotations

from payers.base import EligibilityQuery, PayerError, PayerErrorCode
from payers.x12.x271 import Eligibility271, Level, Patient


def verify(query: EligibilityQuery, answer: Eligibility271, *, route: str,
           echo: str | None = None) -> None:
    """Raise RESPONSE_INVALID unless ``answer`` is the reply to ``query`` (echoing ``echo``,
    by default the inquiry's trace number)."""
    problem = _problem(query, answer, query.inquiry.trace_number if echo is None else echo)
    if problem is not None:
        raise PayerError(PayerErrorCode.RESPONSE_INVALID, problem, route=route,
                         reached_payer=True)


def _problem(query: EligibilityQuery, answer: Eligibility271, echo: str) -> str | None:
    trace = echo.strip()
    patients = answer.patients()
    if not patients:
        if not answer.rejections():
            return "the 271 reports no patient and no rejection"
        if answer.reference.strip() != trace:
            return "the 271 does not echo our reference (BHT03)"
        return None
    patient = next((p for p in patients if trace in _traces(p)), None)
    if patient is None:
        return "the 271 does not echo our trace number"
    member_id, last_name, patient_last = _expected(query)
    subscriber = patient.subscriber.party
    got_id = _norm(subscriber.name.identifier if subscriber.name else "")
    changed = subscriber.member is not None and subscriber.member.identifying_data_changed
    if got_id and got_id != member_id and not changed:
        return "the 271 is about another member id"
    if not got_id and not patient.subscriber.party.rejections:
        return "the 271 names no member id"
    if not _last_name_matches(patient.subscriber, last_name):
        return "the 271 names another subscriber"
    if patient.dependent is not None and not _last_name_matches(patient.dependent,
                                                                 patient_last):
        return "the 271 names another dependent"
    return None


def _expected(query: EligibilityQuery) -> tuple[str, str, str]:
    """Member id and last name expected in 2100C, and the patient's last name."""
    inquiry = query.inquiry
    dependent = inquiry.dependent
    if dependent is not None and (dependent.member_id or "").strip():
        # A dependent with an own member id is sent, and answered, as the subscriber.
        last = _norm(dependent.name.last)
        return _norm(dependent.member_id or ""), last, last
    subscriber_last = _norm(inquiry.subscriber.name.last)
    patient_last = _norm(dependent.name.last) if dependent is not None else subscriber_last
    return _norm(inquiry.subscriber.member_id), subscriber_last, patient_last


def _last_name_matches(level: Level, expected: str) -> bool:
    name = level.party.name
    got = _norm(name.last_or_organization if name else "")
    changed = level.party.member is not None and level.party.member.identifying_data_changed
    return not got or got == expected or changed


def _traces(patient: Patient) -> set[str]:
    levels = [patient.subscriber] + ([patient.dependent] if patient.dependent else [])
    return {t.reference.strip() for level in levels for t in level.traces
            if t.trace_type == "2"}


def _norm(value: str) -> str:
    return value.strip().upper()
