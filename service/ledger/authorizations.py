"""Use cases for prior authorizations: record by hand or from a 278, amend with history."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from payers.x12.errors import X12Error
from payers.x12.x278 import read_278_text
from service.db.models import Authorization, AuthorizationChange
from service.db.ports import LedgerUnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.practice import audit
from service.practice.access import Caller

FIELDS = ("number", "unit", "quantity", "minutes_per_unit", "start_date", "end_date", "codes",
          "provider_npi", "status")
# HCR01 action codes of a 278 response and the status they give an authorization.
ACTION_STATUS = {"A1": "approved", "A2": "approved", "A6": "approved", "A3": "denied",
                 "A4": "pending", "C": "denied", "CT": "pending", "D": "pending",
                 "IP": "pending", "NA": "approved"}
# A 278 says "units" without their length; 15 minutes is the HCPCS H-code convention.
DEFAULT_MINUTES_PER_UNIT = 15


def _stored(name: str, value: Any) -> Any:
    if name == "codes":
        return ",".join(sorted({c.upper() for c in value}))
    return value


def _plain(auth: Authorization) -> dict[str, Any]:
    return {name: (getattr(auth, name).isoformat() if name.endswith("_date")
                   else getattr(auth, name)) for name in FIELDS}


def create_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, data: dict[str, Any],
    source: str = "manual",
) -> Authorization:
    now = clock()
    with uow:
        if uow.coverages.get(caller.practice_id, data["coverage_id"]) is None:
            raise NotFound("coverage")
        auth = Authorization(practice_id=caller.practice_id, coverage_id=data["coverage_id"],
                             source=source, used=0, reserved=0, created_at=now, updated_at=now,
                             codes="", status="approved")
        for name in FIELDS:
            if name in data:
                setattr(auth, name, _stored(name, data[name]))
        uow.authorizations.add(auth)
        try:
            uow.flush()
        except IntegrityError as exc:
            raise _duplicate() from exc
        uow.authorizations.add_change(AuthorizationChange(
            authorization_id=auth.id, actor=caller.actor, action="create",
            changes={"after": _plain(auth)}, at=now))
        audit.record(uow, caller=caller, clock=clock, action="create",
                     resource_type="authorization", resource_ids=[auth.id])
        uow.commit()
        return auth


def _duplicate() -> InvalidInput:
    return InvalidInput({"number": ["This coverage already has an authorization with this "
                                    "number; change that one instead."]})


def get_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, auth_id: uuid.UUID
) -> tuple[Authorization, Sequence[AuthorizationChange]]:
    with uow:
        auth = uow.authorizations.get(caller.practice_id, auth_id)
        if auth is None:
            raise NotFound("authorization")
        history = uow.authorizations.changes(auth.id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="authorization",
                           records=[auth])
        return auth, history


def list_authorizations(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, coverage_id: uuid.UUID
) -> list[Authorization]:
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        rows = uow.authorizations.for_coverage(coverage_id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="authorization",
                           records=rows)
        return sorted(rows, key=lambda a: (a.end_date, a.number))


def amend_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, auth_id: uuid.UUID,
    data: dict[str, Any], action: str = "update",
) -> Authorization:
    """Change quantity, dates, scope or status; the change is kept with who and when."""
    now = clock()
    with uow, uow.serialized():
        auth = uow.authorizations.get(caller.practice_id, auth_id, lock=True)
        if auth is None:
            raise NotFound("authorization")
        before = _plain(auth)
        for name in FIELDS:
            if name in data:
                setattr(auth, name, _stored(name, data[name]))
        if auth.start_date > auth.end_date:
            raise InvalidInput({"end_date": ["The end date is before the start date."]})
        after = _plain(auth)
        changed = {k: {"before": before[k], "after": after[k]} for k in after
                   if before[k] != after[k]}
        auth.updated_at = now
        uow.authorizations.add_change(AuthorizationChange(
            authorization_id=auth.id, actor=caller.actor, action=action,
            changes=changed, at=now))
        audit.record(uow, caller=caller, clock=clock, action="update",
                     resource_type="authorization", resource_ids=[auth.id])
        try:
            uow.commit()
        except IntegrityError as exc:
            raise _duplicate() from exc
        return auth


def from_278(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, x12: str,
) -> tuple[Authorization, bool]:
    """Create or update an authorization from a 278 response; (authorization, created)."""
    data = fields_from_278(x12)
    data["coverage_id"] = coverage_id
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        existing = uow.authorizations.by_number(coverage_id, data["number"])
    if existing is None:
        return create_authorization(uow=uow, clock=clock, caller=caller, data=data,
                                    source="x12-278"), True
    data.pop("coverage_id")
    return amend_authorization(uow=uow, clock=clock, caller=caller, auth_id=existing.id,
                               data=data, action="from-278"), False


def fields_from_278(x12: str) -> dict[str, Any]:
    try:
        responses = read_278_text(x12)
    except X12Error as error:
        raise InvalidInput({"x12": [f"Not a readable 278: {error}"]}) from error
    if not responses or not responses[0].is_response:
        raise InvalidInput({"x12": ["The X12 holds no 278 response."]})
    reply = responses[0]
    # A denial carries no certification number: the request's trace number names it.
    number = (reply.certification_number or reply.tracking_number
              or next(iter(reply.trace_numbers), None))
    if not number:
        raise InvalidInput({"x12": ["The 278 has no certification number (HCR02), tracking "
                                    "number (REF*NT) or trace number (TRN)."]})
    if reply.start_date is None or reply.end_date is None:
        raise InvalidInput({"x12": ["The 278 gives no certified date range (DTP)."]})
    status = ACTION_STATUS.get(reply.action or "", "pending")
    visits = (reply.quantity_unit or "VS") == "VS"
    codes = sorted({line.service.code for event in reply.events for line in event.services
                    if line.service is not None})
    return {
        "number": number, "status": status, "unit": "visit" if visits else "unit",
        "quantity": int(reply.approved_quantity or 0),
        "minutes_per_unit": None if visits else DEFAULT_MINUTES_PER_UNIT,
        "start_date": reply.start_date, "end_date": reply.end_date, "codes": codes,
    }
