"""CDS Hooks clients (an EHR's issuer and keys) and the JWT ids already accepted from them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.db.models import CdsClient, CdsJti
from service.db.repositories import in_practice


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

    def remember_jti(self, issuer: str, jti: str, expires_at: datetime) -> bool:
        """Record a token id; False when it was recorded before (a replay). One statement
        that adds nothing on a clash, so two workers seeing one token at once agree."""
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" \
            else sqlite_insert
        # RETURNING says whether the row went in (psycopg's rowcount does not, here).
        added = self.session.execute(insert(CdsJti).values(
            issuer=issuer, jti=jti, expires_at=expires_at).on_conflict_do_nothing()
            .returning(CdsJti.jti)).first()
        return added is not None

    def forget_jtis(self, *, expired_before: datetime) -> None:
        """Drop the ids of tokens expired: a replay of one is refused by its exp anyway."""
        self.session.execute(delete(CdsJti).where(CdsJti.expires_at < expired_before))
