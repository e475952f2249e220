"""Use cases of staff accounts: create, sign in (with lockout), look up, list, unlock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from service.access import Caller
from service.db.models import StaffUser
from service.db.uow import UnitOfWork
from service.domain import staff as rules
from service.domain.errors import InvalidInput, NotFound

# Compared against when the email is unknown, so that a wrong email costs as long as a
# wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")
OTHER_ACTORS = {"api_key": "the API", "cli": "a command", "job": "the nightly re-verification"}


@dataclass(frozen=True)
class Staff:
    """A signed-in person as a request sees them."""

    id: uuid.UUID
    practice_id: uuid.UUID
    email: str
    role: str

    @property
    def scopes(self) -> frozenset[str]:
        return rules.scopes_for(self.role)

    def caller(self, request_id: str | None = None) -> Caller:
        return Caller(practice_id=self.practice_id, actor=f"user:{self.id}", scopes=self.scopes,
                      request_id=request_id)


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None
    locked: bool = False


def _staff(row: StaffUser) -> Staff:
    return Staff(id=row.id, practice_id=row.practice_id, email=row.email, role=row.role)


def create_user(
    *, uow: UnitOfWork, clock: Callable[[], datetime], practice_id: uuid.UUID, email: str,
    role: str, password: str,
) -> Staff:
    problems = rules.account_problems(email=email, role=role, password=password)
    if problems:
        raise InvalidInput(problems)
    email = rules.normalize_email(email)
    with uow:
        if uow.practices.get(practice_id) is None:
            raise NotFound("practice")
        if uow.session.scalars(select(StaffUser.id).where(StaffUser.email == email)).first():
            raise InvalidInput({"email": ["An account with this email exists already."]})
        row = StaffUser(practice_id=practice_id, email=email, role=role, failed_logins=0,
                        password_hash=generate_password_hash(password, method="scrypt"),
                        created_at=clock())
        uow.session.add(row)
        uow.commit()
        return _staff(row)


def sign_in(
    *, uow: UnitOfWork, clock: Callable[[], datetime], email: str, password: str
) -> SignIn:
    """Check a password. A locked account is refused without looking at the password."""
    now = clock()
    with uow:
        row = uow.session.scalars(select(StaffUser).where(
            StaffUser.email == rules.normalize_email(email),
            StaffUser.disabled_at.is_(None)).with_for_update()).first()
        if row is None:
            check_password_hash(_DUMMY_HASH, password)
            return SignIn(None)
        if rules.is_locked(row.locked_until, now):
            return SignIn(None, locked=True)
        if not check_password_hash(row.password_hash, password):
            row.failed_logins, row.locked_until = rules.after_failure(row.failed_logins, now)
            uow.commit()
            return SignIn(None, locked=row.locked_until is not None)
        row.failed_logins, row.locked_until, row.last_login_at = 0, None, now
        uow.commit()
        return SignIn(_staff(row))


def get_staff(*, uow: UnitOfWork, user_id: uuid.UUID) -> Staff | None:
    """The account behind a session, or None once it is disabled or gone."""
    with uow:
        row = uow.session.get(StaffUser, user_id)
        return _staff(row) if row is not None and row.disabled_at is None else None


def list_users(*, uow: UnitOfWork, caller: Caller) -> Sequence[StaffUser]:
    with uow:
        return uow.session.scalars(select(StaffUser).where(
            StaffUser.practice_id == caller.practice_id).order_by(StaffUser.email)).all()


def unlock_user(
    *, uow: UnitOfWork, caller: Caller, user_id: uuid.UUID
) -> None:
    with uow:
        row = uow.session.get(StaffUser, user_id)
        if row is None or row.practice_id != caller.practice_id:
            raise NotFound("user")
        row.failed_logins, row.locked_until = 0, None
        uow.commit()


def actor_names(*, uow: UnitOfWork, practice_id: uuid.UUID,
                actors: Iterable[str]) -> dict[str, str]:
    """Audit actors ("user:<id>", "api_key:<id>", "cli:…") as a person reads them."""
    ids = {uuid.UUID(a[5:]) for a in actors if a.startswith("user:")}
    names = {a: OTHER_ACTORS.get(a.partition(":")[0], a) for a in actors
             if not a.startswith("user:")}
    if ids:
        with uow:
            for row in uow.session.scalars(select(StaffUser).where(
                    StaffUser.id.in_(ids), StaffUser.practice_id == practice_id)):
                names[f"user:{row.id}"] = row.email
    return names
