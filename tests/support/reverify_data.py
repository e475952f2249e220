"""Coverages for re-verification tests, written straight to the database in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from service.db.models import Coverage, EligibilityCheck, Patient, Practice, Visit
from tests.support.people import PEOPLE

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def practice(db_url: str, name: str = "Northside Counseling") -> uuid.UUID:
    engine = create_engine(db_url)
    practice_id = uuid.uuid4()
    with Session(engine) as session:
        session.add(Practice(id=practice_id, name=name, npi="1234567893", created_at=NOW))
        session.commit()
    engine.dispose()
    return practice_id


def coverages(db_url: str, practice_id: uuid.UUID, member_ids: Sequence[str], *,
              payer: str, visit_on: date | None = None, batch: int = 500) -> list[uuid.UUID]:
    """One synthetic patient and coverage per member id, each with a visit on `visit_on`."""
    engine = create_engine(db_url)
    ids: list[uuid.UUID] = []
    with Session(engine) as session:
        for start in range(0, len(member_ids), batch):
            # Parents first: the models have no relationships to order the inserts by.
            people, covers, visits = [], [], []
            for n, member in enumerate(member_ids[start:start + batch], start):
                person = PEOPLE[n % len(PEOPLE)]
                patient = Patient(id=uuid.uuid4(), practice_id=practice_id,
                                  first_name=person.first_name, last_name=person.last_name,
                                  birth_date=date.fromisoformat(person.birth_date),
                                  gender=person.gender, created_at=NOW, updated_at=NOW)
                coverage = Coverage(id=uuid.uuid4(), practice_id=practice_id,
                                    patient_id=patient.id, payer=payer, member_id=member,
                                    relationship="self", priority="primary",
                                    network_status="in", created_at=NOW, updated_at=NOW)
                people.append(patient)
                covers.append(coverage)
                if visit_on is not None:
                    visits.append(visit(practice_id, coverage.id, visit_on))
                ids.append(coverage.id)
            for rows in (people, covers, visits):
                session.add_all(rows)
                session.flush()
            session.commit()
    engine.dispose()
    return ids


def visit(practice_id: uuid.UUID, coverage_id: uuid.UUID, on: date,
          status: str = "scheduled") -> Visit:
    return Visit(id=uuid.uuid4(), practice_id=practice_id, coverage_id=coverage_id, date=on,
                 code="90837", minutes=55, status=status, units=0, effect="reserve",
                 created_at=NOW, updated_at=NOW)


def answered(practice_id: uuid.UUID, coverage_id: uuid.UUID, payer: str, at: datetime,
             status: str = "active", plan_end: date | None = None) -> EligibilityCheck:
    """A finished check as an earlier run would have stored it (with `plan_end`, its
    summary's plan end)."""
    summary: dict[str, object] = {"active": status == "active"}
    if plan_end is not None:
        summary["plan"] = {"end": plan_end.isoformat(), "eligibility_end": None}
    return EligibilityCheck(
        id=uuid.uuid4(), practice_id=practice_id, coverage_id=coverage_id, payer=payer,
        route=payer, service_types="30", provider_npi="1234567893", network_status="in",
        status=status, reached_payer=True, trace_number=uuid.uuid4().hex, control_number=1,
        summary=summary, requested_by="test", started_at=at,
        checked_at=at)


def add(db_url: str, *rows: object) -> None:
    engine = create_engine(db_url)
    with Session(engine) as session:
        for row in rows:  # in the order given: parents before the rows that refer to them
            session.add(row)
            session.flush()
        session.commit()
    engine.dispose()


def in_days(clock: Callable[[], datetime], days: int) -> date:
    return (clock() + timedelta(days=days)).date()
