"""Use cases for practices, and the operator's way to give one an API key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from service.db.models import Practice
from service.db.uow import UnitOfWork
from service.domain.errors import InvalidInput
from service.domain.identifiers import npi_is_valid, tax_id_is_valid
from service.practice import api_keys


def create_practice(
    *, uow: UnitOfWork, clock: Callable[[], datetime], name: str, npi: str,
    tax_id: str | None = None,
) -> uuid.UUID:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 200:
        errors["name"] = ["Name is required (at most 200 characters)."]
    if not npi_is_valid(npi):
        errors["npi"] = ["Not a valid NPI: 10 digits with a correct check digit."]
    if tax_id is not None and not tax_id_is_valid(tax_id):
        errors["tax_id"] = ["A tax id is 9 digits (12-3456789)."]
    if errors:
        raise InvalidInput(errors)
    with uow:
        practice = Practice(
            name=name.strip(), npi=npi, tax_id=tax_id.replace("-", "") if tax_id else None,
            created_at=clock(),
        )
        uow.practices.add(practice)
        uow.commit()
        return practice.id


def exists(*, uow: UnitOfWork, practice_id: uuid.UUID) -> bool:
    with uow:
        return uow.practices.get(practice_id) is not None


def name_of(*, uow: UnitOfWork, practice_id: uuid.UUID) -> str:
    with uow:
        practice = uow.practices.get(practice_id)
        return practice.name if practice is not None else ""


def first_id(*, uow: UnitOfWork) -> uuid.UUID | None:
    """The first practice created, if any (the demo seed creates one only when there is none)."""
    with uow:
        practice = uow.practices.first()
        return practice.id if practice else None


def create_api_key(
    *, uow: UnitOfWork, clock: Callable[[], datetime], practice_id: uuid.UUID,
    scopes: frozenset[str], label: str | None = None, command: str = "create-api-key",
) -> str:
    """An operator's new key for the practice (api_keys.create_key); the key itself, once."""
    caller = api_keys.operator(practice_id, command)
    return api_keys.create_key(uow=uow, clock=clock, caller=caller, scopes=scopes,
                               label=label).secret
