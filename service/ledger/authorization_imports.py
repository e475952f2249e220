"""Authorizations from a 278 file: every decision in it, for the coverage's member only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from payers.registry import PayerRegistry
from payers.x12.errors import X12Error
from payers.x12.x278 import AuthorizationResponse, Certification, read_278_text
from service.db.models import Authorization, Coverage, Patient
from service.db.ports import LedgerUnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.domain.inquiry import PersonData, people
from service.domain.review_match import mismatches
from service.ledger.authorizations import add_authorization, change_authorization
from service.practice.access import Caller

# HCR01 action codes of a 278 response and the status they give an authorization.
ACTION_STATUS = {"A1": "approved", "A2": "approved", "A6": "approved", "A3": "denied",
                 "A4": "pending", "C": "denied", "CT": "pending", "D": "pending",
                 "IP": "pending", "NA": "approved"}
# A 278 says "units" without their length; 15 minutes is the HCPCS H-code convention.
DEFAULT_MINUTES_PER_UNIT = 15


@dataclass(frozen=True)
class Imported:
    authorization: Authorization
    created: bool


def from_278(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, coverage_id: uuid.UUID, x12: str,
) -> list[Imported]:
    """Every patient event of every 278 response in the file, in file order, creates the
    coverage's authorization of its number or amends it (re-counting its visits). All or
    nothing: a file holding a request, a decision without a number or dates, or a 278 about
    anyone but the coverage's subscriber and patient is refused whole, in one transaction."""
    responses = _read(x12)
    decisions = [(response, fields_of(c, _where(response, index, len(responses))))
                 for response in responses
                 for index, c in enumerate(response.certifications, start=1)]
    with uow, uow.serialized():
        coverage = uow.coverages.get(caller.practice_id, coverage_id)
        patient = (uow.patients.get(caller.practice_id, coverage.patient_id)
                   if coverage is not None else None)
        if coverage is None or patient is None:
            raise NotFound("coverage")
        for response in responses:
            _check_member(response, coverage, patient, len(responses))
        imported: list[Imported] = []
        for _, data in decisions:
            existing = uow.authorizations.by_number(coverage_id, data["number"])
            if existing is None:
                auth = add_authorization(uow, clock=clock, caller=caller, source="x12-278",
                                         data={**data, "coverage_id": coverage_id})
            else:
                auth = change_authorization(uow, clock=clock, registry=registry, caller=caller,
                                            auth_id=existing.id, data=data, action="from-278")
            imported.append(Imported(auth, existing is None))
        uow.commit()
        return imported


def _read(x12: str) -> list[AuthorizationResponse]:
    try:
        responses = read_278_text(x12)
    except X12Error as error:
        raise InvalidInput({"x12": [f"Not a readable 278: {error}"]}) from error
    if not responses or not all(r.is_response for r in responses):
        raise InvalidInput({"x12": ["The X12 holds no 278 response, or a 278 request beside "
                                    "the responses: send the payer's responses only."]})
    for response in responses:
        if not response.certifications:
            raise InvalidInput({"x12": [_where(response, 0, len(responses)) + "The 278 holds "
                                        "no patient event (loop 2000E) to record."]})
    return responses


def _where(response: AuthorizationResponse, event: int, sets: int) -> str:
    """Which part of a file a message is about, when the file has more than one."""
    parts = [f"transaction set {response.control_number}"] if sets > 1 else []
    if event and len(response.certifications) > 1:
        parts.append(f"patient event {event}")
    return (", ".join(parts).capitalize() + ": ") if parts else ""


def fields_of(reply: Certification, where: str = "") -> dict[str, Any]:
    """One patient event's decision as an authorization's fields."""
    # A denial carries no certification number: the request's trace number names it.
    number = (reply.certification_number or reply.tracking_number
              or next(iter(reply.trace_numbers), None))
    if not number:
        raise InvalidInput({"x12": [where + "The 278 has no certification number (HCR02), "
                                    "tracking number (REF*NT) or trace number (TRN)."]})
    if reply.start_date is None or reply.end_date is None:
        raise InvalidInput({"x12": [where + "The 278 gives no certified date range (DTP)."]})
    status = ACTION_STATUS.get(reply.action or "", "pending")
    visits = (reply.quantity_unit or "VS") == "VS"
    return {
        "number": number, "status": status, "unit": "visit" if visits else "unit",
        "quantity": int(reply.approved_quantity or 0),
        "minutes_per_unit": None if visits else DEFAULT_MINUTES_PER_UNIT,
        "start_date": reply.start_date, "end_date": reply.end_date, "codes": list(reply.codes),
    }


def _check_member(response: AuthorizationResponse, coverage: Coverage, patient: Patient,
                  sets: int) -> None:
    holder = None
    if coverage.relationship != "self" and coverage.subscriber_last_name:
        holder = PersonData(first_name=coverage.subscriber_first_name or "",
                            last_name=coverage.subscriber_last_name,
                            birth_date=coverage.subscriber_birth_date,
                            gender=coverage.subscriber_gender or "U")
    expected, dependent = people(
        member_id=coverage.member_id, relationship=coverage.relationship,
        patient=PersonData(first_name=patient.first_name, last_name=patient.last_name,
                           birth_date=patient.birth_date, gender=patient.gender),
        subscriber=holder, subscriber_member_id=coverage.subscriber_member_id)
    found = mismatches(subscriber=response.subscriber, dependent=response.dependent,
                       expected=expected, expected_dependent=dependent)
    if found:
        where = _where(response, 0, sets)
        raise InvalidInput({"x12": [where + m.message for m in found]}, reason=found[0].code)
