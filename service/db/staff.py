"""Repository of staff accounts: add, look up by id or email, list a practice's."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import StaffUser


class StaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: StaffUser) -> None:
        self.session.add(user)

    def get(self, user_id: uuid.UUID) -> StaffUser | None:
        """The account by id, disabled or not, of any practice (a session names it)."""
        return self.session.get(StaffUser, user_id)

    def email_taken(self, email: str) -> bool:
        """Whether any account, disabled ones included, has this (normalized) email."""
        return self.session.scalars(
            select(StaffUser.id).where(StaffUser.email == email)).first() is not None

    def by_email(self, email: str) -> StaffUser | None:
        """The enabled account with this (normalized) email, or None."""
        return self.session.scalars(select(StaffUser).where(
            StaffUser.email == email, StaffUser.disabled_at.is_(None))).first()

    def of_practice(self, practice_id: uuid.UUID) -> Sequence[StaffUser]:
        return self.session.scalars(select(StaffUser).where(
            StaffUser.practice_id == practice_id).order_by(StaffUser.email)).all()

    def among(self, practice_id: uuid.UUID, ids: Collection[uuid.UUID]) -> Sequence[StaffUser]:
        """Those of the accounts `ids` that belong to the practice."""
        return self.session.scalars(select(StaffUser).where(
            StaffUser.id.in_(ids), StaffUser.practice_id == practice_id)).all()
