"""Use cases for a practice's CDS clients: the EHRs whose JWTs may call the CDS services."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from service.cds.outbound import FetchFailed, check_scheme
from service.cds.tokens import usable_keys
from service.db.models import CdsClient
from service.db.uow import UnitOfWork
from service.domain.errors import Conflict, InvalidInput, NotFound
from service.practice import audit
from service.practice.access import Caller


def register_client(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
                    issuer: str, jwks: dict[str, Any] | None, jwks_url: str | None,
                    allow_private: bool) -> CdsClient:
    """Register an EHR's issuer with its keys (inline, checked now) or their https URL.
    An issuer names one practice: one registered anywhere already is a 409."""
    if jwks is not None:
        try:
            usable_keys(jwks)
        except ValueError as error:
            raise InvalidInput({"jwks": [str(error)]}) from error
    if jwks_url is not None:
        try:
            check_scheme(jwks_url, allow_private=allow_private)
        except FetchFailed as error:
            raise InvalidInput({"jwks_url": [f"Not usable: {error}."]}) from error
    with uow:
        if uow.cds_clients.by_issuer(issuer) is not None:
            raise _taken()
        client = CdsClient(id=uuid.uuid4(), practice_id=caller.practice_id, issuer=issuer,
                           jwks=jwks, jwks_url=jwks_url, created_at=clock(),
                           created_by=caller.actor)
        uow.cds_clients.add(client)
        try:
            uow.flush()
        except IntegrityError as error:
            raise _taken() from error
        audit.record(uow, caller=caller, clock=clock, action="create",
                     resource_type="cds_client", resource_ids=[client.id])
        uow.commit()
        return client


def list_clients(*, uow: UnitOfWork, caller: Caller) -> Sequence[CdsClient]:
    with uow:
        return uow.cds_clients.for_practice(caller.practice_id)


def get_client(*, uow: UnitOfWork, caller: Caller, client_id: uuid.UUID) -> CdsClient:
    with uow:
        return _mine(uow, caller, client_id)


def delete_client(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
                  client_id: uuid.UUID) -> None:
    """Remove a client: its JWTs are refused from the next call on (401)."""
    with uow:
        uow.cds_clients.remove(_mine(uow, caller, client_id))
        audit.record(uow, caller=caller, clock=clock, action="delete",
                     resource_type="cds_client", resource_ids=[client_id])
        uow.commit()


def _mine(uow: UnitOfWork, caller: Caller, client_id: uuid.UUID) -> CdsClient:
    """The practice's client with this id; another practice's is not found."""
    client = uow.cds_clients.get(caller.practice_id, client_id)
    if client is None:
        raise NotFound("CDS client")
    return client


def _taken() -> Conflict:
    # Another practice's client is not named: its id is none of this caller's business.
    return Conflict("CDS_ISSUER_TAKEN", "A CDS client with this issuer is registered "
                    "already; an issuer names one practice.")
