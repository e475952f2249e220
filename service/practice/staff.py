"""Staff account use cases: create, look up, list, unlock (sign-in: service/practice/signin.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from werkzeug.security import generate_password_hash

from service.db.models import StaffUser
from service.db.uow import UnitOfWork
from service.domain import staff as rules
from service.domain.errors import InvalidInput, NotFound
from service.practice import audit
from service.practice.access import Caller

OTHER_ACTORS = {"api_key": "the API", "cli": "a command", "job": "the nightly re-verification",
                "visitor": "a sign-in attempt"}


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


def to_staff(row: StaffUser) -> Staff:
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
        if uow.staff.email_taken(email):
            raise InvalidInput({"email": ["An account with this email exists already."]})
        row = StaffUser(practice_id=practice_id, email=email, role=role, failed_logins=0,
                        password_hash=generate_password_hash(password, method="scrypt"),
                        created_at=clock())
        uow.staff.add(row)
        uow.commit()
        return to_staff(row)


def get_staff(*, uow: UnitOfWork, user_id: uuid.UUID) -> Staff | None:
    """The account behind a session, or None once it is disabled or gone."""
    with uow:
        row = uow.staff.get(user_id)
        return to_staff(row) if row is not None and row.disabled_at is None else None


def list_users(*, uow: UnitOfWork, caller: Caller) -> Sequence[StaffUser]:
    with uow:
        return uow.staff.of_practice(caller.practice_id)


def unlock_user(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, user_id: uuid.UUID
) -> None:
    with uow:
        row = uow.staff.get(user_id)
        if row is None or row.practice_id != caller.practice_id:
            raise NotFound("user")
        row.failed_logins, row.locked_until = 0, None
        audit.record(uow, caller=caller, clock=clock, action="unlock",
                     resource_type="staff_user", resource_ids=[user_id])
        uow.commit()


def actor_names(*, uow: UnitOfWork, practice_id: uuid.UUID,
                actors: Iterable[str]) -> dict[str, str]:
    """Audit actors ("user:<id>", "api_key:<id>", "cli:…") as a person reads them."""
    ids = {uuid.UUID(a[5:]) for a in actors if a.startswith("user:")}
    names = {a: OTHER_ACTORS.get(a.partition(":")[0], a) for a in actors
             if not a.startswith("user:")}
    if ids:
        with uow:
            for row in uow.staff.among(practice_id, ids):
                names[f"user:{row.id}"] = row.email
    return names
