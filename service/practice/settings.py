"""Use cases for a practice's own configuration: fee schedule, counting policy, thresholds,
and the code-mix report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from service.db.models import FeeScheduleEntry, PracticeSettings
from service.db.uow import UnitOfWork
from service.domain import benefit_sheet
from service.domain.codemix import code_mix
from service.domain.errors import InvalidInput
from service.domain.policy import CountingPolicy
from service.domain.verdict import Settings
from service.practice.access import Caller


def set_fee(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, payer: str,
            code: str, allowed_amount: Decimal, payer_ids: Sequence[str]) -> FeeScheduleEntry:
    if payer not in payer_ids:
        raise InvalidInput({"payer": ["Unknown payer: use an id from the payer directory."]})
    with uow:
        entry = uow.fees.get(caller.practice_id, payer, code)
        if entry is None:
            entry = FeeScheduleEntry(practice_id=caller.practice_id, payer=payer, code=code)
            uow.fees.add(entry)
        entry.allowed_amount = allowed_amount
        entry.updated_at = clock()
        uow.commit()
        return entry


def fees(*, uow: UnitOfWork, caller: Caller) -> Sequence[FeeScheduleEntry]:
    with uow:
        return uow.fees.all(caller.practice_id)


def allowed_amount(*, uow: UnitOfWork, caller: Caller, payer: str, code: str) -> Decimal | None:
    """What the practice expects the payer to allow for the code; None when not on file."""
    with uow:
        entry = uow.fees.get(caller.practice_id, payer, code)
        return entry.allowed_amount if entry is not None else None


def usual_code(*, uow: UnitOfWork, caller: Caller, start: date, end: date) -> str:
    """The code the practice booked most between the dates (the code-mix report's rows)."""
    with uow:
        rows = uow.visits.mix(caller.practice_id, start, end)
    return benefit_sheet.usual_code(code for _, code in rows)


def get_settings(*, uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        saved = uow.settings.get(caller.practice_id)
    counting = CountingPolicy().merged(saved.counting if saved else None)
    thresholds = Settings(**(saved.thresholds if saved else {}))
    return {"counting": asdict(counting), "thresholds": asdict(thresholds)}


def put_settings(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
                 counting: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, Any]:
    try:
        CountingPolicy().merged(counting)
    except ValueError as error:
        raise InvalidInput({"counting": [str(error)]}) from error
    with uow:
        saved = uow.settings.get(caller.practice_id)
        if saved is None:
            saved = PracticeSettings(practice_id=caller.practice_id)
            uow.settings.add(saved)
        saved.counting, saved.thresholds, saved.updated_at = counting, thresholds, clock()
        uow.commit()
    return get_settings(uow=uow, caller=caller)


def code_mix_report(*, uow: UnitOfWork, caller: Caller, start: date | None, end: date | None,
                    threshold: float) -> list[dict[str, Any]]:
    with uow:
        rows = uow.visits.mix(caller.practice_id, start, end)
    return code_mix(rows, threshold=threshold)
