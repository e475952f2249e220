"""CDS Hooks storage: the clients (an EHR's issuer and keys), the JWT ids already accepted,
and what a hook call reads of a patient, each of the last two in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.db.models import CdsClient, CdsJti, Coverage, Patient
from service.db.repositories import in_practice
from service.db.statements import Statements
from service.db.types import UTCDateTime

# The patient with an external id and its active coverages (none: one row, coverage null).
_PATIENT_COVERAGES = (
    select(Patient.id.label("patient_id"), Coverage.id.label("coverage_id"), Coverage.payer,
           Coverage.member_id, Coverage.priority, Coverage.created_at)
    .select_from(Patient)
    .outerjoin(Coverage, and_(Coverage.patient_id == Patient.id, Coverage.end_date.is_(None)))
    .where(Patient.practice_id == bindparam("practice_id"),
           Patient.external_id == bindparam("external_id"))
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


class CdsReads:
    """What every hook call costs the database, each a unit of one statement
    (service/db/statements.py): the JWT id recorded, and the patient looked up."""

    def __init__(self, statements: Statements, dialect: str) -> None:
        self.statements = statements
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # RETURNING says whether the row went in (psycopg's rowcount does not, here); a clash
        # adds nothing, so two workers seeing one token at once agree which was first.
        self._remember = insert(CdsJti).from_select(
            ["issuer", "jti", "expires_at"], _STILL_REGISTERED,
        ).on_conflict_do_nothing().returning(CdsJti.jti)

    def remember_jti(self, *, client_id: uuid.UUID, issuer: str, jti: str,
                     expires_at: datetime) -> bool:
        """Record a token id of a client still registered; False when the id was recorded
        before (a replay) or the client is gone."""
        return self.statements.first(self._remember, {
            "client_id": client_id, "issuer": issuer, "jti": jti,
            "expires_at": expires_at}) is not None

    def patient_coverages(self, practice_id: uuid.UUID,
                          external_id: str) -> tuple[uuid.UUID | None, list[dict[str, Any]]]:
        """The practice's patient with this external id (None: none), and its active
        coverages, primary first, then oldest first."""
        rows = self.statements.all(_PATIENT_COVERAGES, {"practice_id": practice_id,
                                                        "external_id": external_id})
        if not rows:
            return None, []
        covers = sorted((r for r in rows if r["coverage_id"] is not None),
                        key=lambda r: (r["priority"] != "primary", r["created_at"]))
        return rows[0]["patient_id"], covers
