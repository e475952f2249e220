"""Use cases for practices and their API keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from service.db.models import ApiKey, Practice
from service.db.uow import UnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.domain.identifiers import npi_is_valid, tax_id_is_valid
from service.practice.access import Caller, key_matches, new_key, split_key


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


def first_id(*, uow: UnitOfWork) -> uuid.UUID | None:
    """The first practice created, if any (the demo seed creates one only when there is none)."""
    with uow:
        practice = uow.practices.first()
        return practice.id if practice else None


def create_api_key(
    *, uow: UnitOfWork, clock: Callable[[], datetime], practice_id: uuid.UUID,
    scopes: frozenset[str], label: str | None = None,
) -> str:
    """Store a new key's hash and return the key itself, which is never stored."""
    key, prefix, key_hash = new_key()
    with uow:
        if uow.practices.get(practice_id) is None:
            raise NotFound("practice")
        uow.api_keys.add(
            ApiKey(
                practice_id=practice_id, prefix=prefix, key_hash=key_hash,
                scopes=",".join(sorted(scopes)), label=label, created_at=clock(),
            )
        )
        uow.commit()
    return key


def authenticate(*, uow: UnitOfWork, key: str) -> Caller | None:
    prefix = split_key(key)
    if prefix is None:
        return None
    with uow:
        row = uow.api_keys.by_prefix(prefix)
        if row is None or row.revoked_at is not None or not key_matches(key, row.key_hash):
            return None
        return Caller(practice_id=row.practice_id, actor=f"api_key:{row.id}", scopes=row.scope_set)
