"""Repository of alerts: the stored rows, and the stamps and facts alerts are derived from."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Uuid, bindparam, func, or_, select
from sqlalchemy.orm import Session, load_only

from service.db.models import (
    Alert,
    Authorization,
    Coverage,
    EligibilityCheck,
    Practice,
    PracticeSettings,
    Visit,
)
from service.db.repositories import in_practice

CHUNK = 500  # coverage ids per IN (...) list


@dataclass
class CoverageFacts:
    """What alerts are derived from, by coverage: approved authorizations, visits since a
    date (sorted by date), and the newest finished check with the coverage's current payer."""

    auths: dict[uuid.UUID, list[Authorization]] = field(default_factory=dict)
    visits: dict[uuid.UUID, list[Visit]] = field(default_factory=dict)
    latest_check: dict[uuid.UUID, EligibilityCheck] = field(default_factory=dict)


def _practice_stamp_statement() -> Any:
    practice: BindParameter[uuid.UUID] = bindparam("practice_id", type_=Uuid())
    coverages = Coverage.practice_id == practice
    rows = Alert.practice_id == practice
    return select(
        select(func.count()).where(coverages).scalar_subquery(),
        select(func.coalesce(func.sum(Coverage.ledger_version), 0)).where(coverages)
        .scalar_subquery(),
        select(Practice.config_version).where(Practice.id == practice).scalar_subquery(),
        select(func.count()).select_from(Alert).where(rows).scalar_subquery(),
        select(func.count(Alert.resolved_at)).where(rows).scalar_subquery())


_PRACTICE_STAMP = _practice_stamp_statement()


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def practice_stamp(self, practice_id: uuid.UUID) -> tuple[int, ...]:
        """Moves on any write to the practice's ledger, settings or alert rows: the number
        of coverages and the sum of their ledger stamps (coverages are never deleted and
        stamps only grow), the config stamp, the number of alert rows and of resolved ones
        (rows are added and resolved, never reopened)."""
        return tuple(self.session.execute(_PRACTICE_STAMP, {"practice_id": practice_id}).one())

    def config(self, practice_id: uuid.UUID) -> tuple[int, dict[str, Any] | None] | None:
        """(config stamp, saved thresholds or None), or None for an unknown practice."""
        row = self.session.execute(
            select(Practice.config_version, PracticeSettings.thresholds)
            .outerjoin(PracticeSettings, PracticeSettings.practice_id == Practice.id)
            .where(Practice.id == practice_id)).first()
        return None if row is None else (int(row[0]), row[1])

    def coverage_stamps(self, practice_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        return [(cid, int(version)) for cid, version in self.session.execute(
            select(Coverage.id, Coverage.ledger_version).where(
                Coverage.practice_id == practice_id).order_by(Coverage.id))]

    def facts(self, coverage_ids: Sequence[uuid.UUID], *, visits_since: date) -> CoverageFacts:
        found = CoverageFacts()
        for start in range(0, len(coverage_ids), CHUNK):
            chunk = coverage_ids[start:start + CHUNK]
            for auth in self.session.scalars(select(Authorization).where(
                    Authorization.coverage_id.in_(chunk), Authorization.status == "approved")):
                found.auths.setdefault(auth.coverage_id, []).append(auth)
            for visit in self.session.scalars(select(Visit).where(
                    Visit.coverage_id.in_(chunk), Visit.date >= visits_since)
                    .order_by(Visit.date)):
                found.visits.setdefault(visit.coverage_id, []).append(visit)
            ranked = select(EligibilityCheck.id, func.row_number().over(
                partition_by=EligibilityCheck.coverage_id,
                order_by=EligibilityCheck.started_at.desc()).label("n")).join(
                Coverage, (Coverage.id == EligibilityCheck.coverage_id)
                & (Coverage.payer == EligibilityCheck.payer)).where(
                EligibilityCheck.coverage_id.in_(chunk),
                EligibilityCheck.status != "pending",
                # Refusals stored before they answered 409 are not outcomes: the attempt
                # before them stays the latest, with its real cause.
                or_(EligibilityCheck.error_code.is_(None),
                    EligibilityCheck.error_code != "PAYER_RESEND_TOO_SOON")).subquery()
            for check in self.session.scalars(select(EligibilityCheck).options(load_only(
                    EligibilityCheck.id, EligibilityCheck.coverage_id, EligibilityCheck.status,
                    EligibilityCheck.error_code, EligibilityCheck.started_at)).join(
                    ranked, ranked.c.id == EligibilityCheck.id).where(ranked.c.n == 1)):
                found.latest_check[check.coverage_id] = check
        return found

    def rows(self, practice_id: uuid.UUID) -> Sequence[Alert]:
        """Every stored alert of the practice: written ones and resolutions."""
        return self.session.scalars(select(Alert).where(Alert.practice_id == practice_id)).all()

    def get(self, practice_id: uuid.UUID, alert_id: uuid.UUID) -> Alert | None:
        return in_practice(self.session, Alert, practice_id, alert_id)

    def by_facts(self, practice_id: uuid.UUID, kind: str, subject_id: str,
                 fingerprint: str) -> Alert | None:
        return self.session.scalars(select(Alert).where(
            Alert.practice_id == practice_id, Alert.kind == kind,
            Alert.subject_id == subject_id, Alert.fingerprint == fingerprint)).first()

    def open_for_subject(self, kind: str, subject_id: str) -> Sequence[Alert]:
        """Every practice's unresolved stored alert of `kind` about `subject_id` (a route's
        alerts: a route serves the whole deployment)."""
        return self.session.scalars(select(Alert).where(
            Alert.kind == kind, Alert.subject_id == subject_id,
            Alert.resolved_at.is_(None)).order_by(Alert.created_at, Alert.id)).all()

    def add(self, alert: Alert) -> None:
        self.session.add(alert)

    def patients_of(self, coverage_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """The patient of each coverage."""
        return {cid: pid for cid, pid in self.session.execute(select(
            Coverage.id, Coverage.patient_id).where(Coverage.id.in_(set(coverage_ids))))}
