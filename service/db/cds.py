"""CDS Hooks storage: the clients (an EHR's issuer and keys), the JWT ids already accepted,
and what a hook call reads of a patient — on PostgreSQL the last two in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, delete, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.db.models import CdsClient, CdsJti, Coverage, Patient, Practice
from service.db.repositories import in_practice
from service.db.statements import Statements
from service.db.types import UTCDateTime

# The patient with an external id and its active coverages, each with the version stamps
# of its verdict's inputs (service/db/stamps.py), read before those inputs are. Always one
# row at least: no patient, patient_id null; no active coverage, coverage_id null.
_ONE = select(literal(1).label("one")).subquery("one")
_PATIENT_COVERAGES = (
    select(Patient.id.label("patient_id"), Coverage.id.label("coverage_id"), Coverage.payer,
           Coverage.member_id, Coverage.priority, Coverage.created_at,
           Coverage.ledger_version, Practice.config_version)
    .select_from(_ONE)
    .outerjoin(Patient, and_(Patient.practice_id == bindparam("practice_id"),
                             Patient.external_id == bindparam("external_id")))
    .outerjoin(Coverage, and_(Coverage.patient_id == Patient.id, Coverage.end_date.is_(None)))
    .outerjoin(Practice, Practice.id == Coverage.practice_id)
)
# Still registered: a client deleted since this process read it accepts no more tokens.
_STILL_REGISTERED = select(
    bindparam("issuer", type_=String), bindparam("jti", type_=String),
    bindparam("expires_at", type_=UTCDateTime()),
).where(exists().where(CdsClient.id == bindparam("client_id")))


class CdsClientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, client: CdsClient) -> None:
        self.session.add(client)

    def get(self, practice_id: uuid.UUID, client_id: uuid.UUID) -> CdsClient | None:
        return in_practice(self.session, CdsClient, practice_id, client_id)

    def by_issuer(self, issuer: str) -> CdsClient | None:
        return self.session.scalars(select(CdsClient).where(CdsClient.issuer == issuer)).first()

    def for_practice(self, practice_id: uuid.UUID) -> Sequence[CdsClient]:
        """The practice's clients, newest first (a practice has a handful)."""
        return self.session.scalars(select(CdsClient).where(
            CdsClient.practice_id == practice_id).order_by(
            CdsClient.created_at.desc(), CdsClient.id.desc())).all()

    def remove(self, client: CdsClient) -> None:
        self.session.delete(client)

    def forget_jtis(self, *, expired_before: datetime) -> None:
        """Drop the ids of tokens expired: a replay of one is refused by its exp anyway."""
        self.session.execute(delete(CdsJti).where(CdsJti.expires_at < expired_before))


@dataclass(frozen=True)
class Admission:
    """A token's id recorded (False: seen before, or its client is gone), and the patient
    the call is about (None: none has the EHR's id) with its active coverages, primary
    first, then oldest first."""

    admitted: bool
    patient_id: uuid.UUID | None
    coverages: list[dict[str, Any]]


class CdsReads:
    """What every hook call costs the database, each a unit of one statement
    (service/db/statements.py): the JWT id recorded and the patient looked up — one
    statement on PostgreSQL, whose WITH may hold the INSERT; two on SQLite, whose may not."""

    def __init__(self, statements: Statements, dialect: str) -> None:
        self.statements = statements
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # RETURNING says whether the row went in (psycopg's rowcount does not, here); a clash
        # adds nothing, so two workers seeing one token at once agree which was first.
        self._remember = insert(CdsJti).from_select(
            ["issuer", "jti", "expires_at"], _STILL_REGISTERED,
        ).on_conflict_do_nothing().returning(CdsJti.jti)
        self._admit = None
        if dialect == "postgresql":
            # The INSERT in WITH runs once, to completion, whether or not its rows are read;
            # the SELECT sees the tables as they were before it (the patient, not the jti).
            recorded = self._remember.cte("recorded")
            self._admit = _PATIENT_COVERAGES.add_columns(
                select(func.count()).select_from(recorded).scalar_subquery().label("admitted"))

    def admit(self, *, client_id: uuid.UUID, issuer: str, jti: str, expires_at: datetime,
              practice_id: uuid.UUID, external_id: str) -> Admission:
        """Record a token id of a client still registered, and read the patient with this
        external id in the client's practice."""
        params = {"client_id": client_id, "issuer": issuer, "jti": jti,
                  "expires_at": expires_at, "practice_id": practice_id,
                  "external_id": external_id}
        if self._admit is not None:
            rows = self.statements.all(self._admit, params)
            admitted = bool(rows[0]["admitted"])
        else:
            admitted = self.statements.first(self._remember, params) is not None
            rows = self.statements.all(_PATIENT_COVERAGES, params)
        patient_id, covers = _patient(rows)
        return Admission(admitted, patient_id, covers)

    def patient_coverages(self, practice_id: uuid.UUID,
                          external_id: str) -> tuple[uuid.UUID | None, list[dict[str, Any]]]:
        """The practice's patient with this external id (None: none), and its active
        coverages, primary first, then oldest first."""
        return _patient(self.statements.all(_PATIENT_COVERAGES, {
            "practice_id": practice_id, "external_id": external_id}))


def _patient(rows: list[dict[str, Any]]) -> tuple[uuid.UUID | None, list[dict[str, Any]]]:
    covers = sorted((r for r in rows if r["coverage_id"] is not None),
                    key=lambda r: (r["priority"] != "primary", r["created_at"]))
    return rows[0]["patient_id"], covers
