"""SQLAlchemy 2 models: practices, API keys, patients, coverages and the audit log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from service.db.types import UTCDateTime
from service.domain import allocation

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Practice(Base):
    __tablename__ = "practices"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    npi: Mapped[str] = mapped_column(String(10))
    tax_id: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by database triggers whenever the practice's settings or fee schedule change
    # (migration 0008); never written by the application.
    config_version: Mapped[int] = mapped_column(BigInteger, server_default="0")


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    # The prefix finds the row; only a SHA-256 of the whole key is stored.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(80))  # the audit actor; NULL before 0014
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moved at most about once a minute per key (service/practice/api_keys.py), not per request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    practice: Mapped[Practice] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)

    @property
    def scope_names(self) -> list[str]:
        return sorted(self.scope_set)

    @property
    def status(self) -> str:
        """"revoked" once revoked, else "active"."""
        return "active" if self.revoked_at is None else "revoked"


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (
        UniqueConstraint("practice_id", "external_id", name="uq_patients_practice_external"),
        Index("ix_patients_practice_last_name", "practice_id", "last_name"),
        # The orders of the lists read by cursor (migration 0014).
        Index("ix_patients_practice_created", "practice_id", "created_at", "id"),
        Index("ix_patients_practice_updated", "practice_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")

    __mapper_args__ = {"version_id_col": version}


# One card and one priority per patient among active coverages; ended ones keep their rows.
_ACTIVE = text("end_date IS NULL")


class Coverage(Base):
    __tablename__ = "coverages"
    __table_args__ = (
        Index("uq_coverages_active_member", "patient_id", "payer", "member_id", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("uq_coverages_active_priority", "patient_id", "priority", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("ix_coverages_practice_created", "practice_id", "created_at", "id"),
        Index("ix_coverages_practice_updated", "practice_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    payer: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    relationship: Mapped[str] = mapped_column(String(10))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_birth_date: Mapped[date | None]
    subscriber_gender: Mapped[str | None] = mapped_column(String(1))
    subscriber_member_id: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(10))
    network_status: Mapped[str] = mapped_column(String(3))
    end_date: Mapped[date | None]  # the last day covered, set when the practice ends it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by database triggers whenever this row, its visits, authorizations or finished
    # eligibility checks are written (migration 0008); never written by the application.
    ledger_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status(self) -> str:
        """"ended" once the practice set an end date, else "active"."""
        return "active" if self.end_date is None else "ended"

    @property
    def subscriber(self) -> dict[str, object] | None:
        """The policy holder when it is not the patient, else None."""
        if self.subscriber_last_name is None:
            return None
        return {
            "first_name": self.subscriber_first_name,
            "last_name": self.subscriber_last_name,
            "birth_date": self.subscriber_birth_date,
            "gender": self.subscriber_gender,
            "member_id": self.subscriber_member_id,
        }


class AuditEvent(Base):
    """Who touched which patient record, how and when; never the record's content."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_practice_at", "practice_id", "at", "public_id"),)

    # The sequence orders rows and never leaves the database: shared by every practice, it
    # would tell one practice how much the others did between two of its own entries.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # The id the API shows: random, so it says nothing about any other entry.
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, index=True,
                                                 default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ControlCounter(Base):
    """Monotonic counters (X12 interchange control numbers): bumped in one UPDATE ... RETURNING."""

    __tablename__ = "control_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


PENDING_QUESTION = "uq_eligibility_checks_pending_question"


class EligibilityCheck(Base):
    """One attempt to ask a payer about a coverage, with everything the payer said."""

    __tablename__ = "eligibility_checks"
    __table_args__ = (
        Index("ix_eligibility_checks_coverage_started", "coverage_id", "started_at"),
        Index("ix_eligibility_checks_run_coverage", "reverification_run_id", "coverage_id"),
        Index("ix_eligibility_checks_practice_started", "practice_id", "started_at", "id"),
        # A route's recent checks (its health, its alert): migration 0022.
        Index("ix_eligibility_checks_route_started", "route", "started_at"),
        # One inquiry in flight per question: of two requests starting it at once, one
        # stores its pending row and the other joins it (service/eligibility/__init__.py).
        Index(PENDING_QUESTION, "coverage_id", "question_key", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    coverage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverages.id"))
    payer: Mapped[str] = mapped_column(String(64))  # directory id asked
    route: Mapped[str | None] = mapped_column(String(64))  # directory id that answered
    routes_tried: Mapped[str | None] = mapped_column(String(200))
    service_types: Mapped[str] = mapped_column(String(300))  # comma-separated, sorted
    service_date: Mapped[date | None]
    provider_npi: Mapped[str] = mapped_column(String(10))
    network_status: Mapped[str] = mapped_column(String(3))
    # pending while the payer is being asked; then active, inactive, rejected or error.
    status: Mapped[str] = mapped_column(String(10))
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(300))
    reached_payer: Mapped[bool] = mapped_column(Boolean, default=False)
    trace_number: Mapped[str] = mapped_column(String(50))
    control_number: Mapped[int] = mapped_column(BigInteger)
    request_raw: Mapped[str | None] = mapped_column(Text)
    response_raw: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What was asked (service/domain/question.py): digests of the whole question and of whom
    # it is about, and its parts without patient data for the API. None on checks stored
    # before questions were recorded: never reused, and taken as about the coverage as it is.
    question_key: Mapped[str | None] = mapped_column(String(64))
    subject_key: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    carve_out_check_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("eligibility_checks.id")
    )
    carve_out_of_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Set when the nightly re-verification asked (the run's report counts its checks).
    reverification_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # payer: a 270 sent and its 271 read; phone: what the payer said on a call, recorded by
    # hand (service/eligibility/phone.py). A phone answer was never sent anywhere: it has no
    # X12 and its control number is 0.
    source: Mapped[str] = mapped_column(String(5), server_default="payer")
    # Of a phone answer: the representative's name, the call's reference and notes.
    phone_call: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class Authorization(Base):
    """A prior authorization and its running counts (kept under a row lock on PostgreSQL)."""

    __tablename__ = "authorizations"
    __table_args__ = (
        UniqueConstraint("coverage_id", "number", name="uq_authorizations_coverage_number"),
        Index("ix_authorizations_practice_end", "practice_id", "end_date", "id"),
        Index("ix_authorizations_practice_updated", "practice_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    coverage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverages.id"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(5))  # visit or unit
    quantity: Mapped[int] = mapped_column(Integer)
    minutes_per_unit: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date]
    end_date: Mapped[date]
    codes: Mapped[str] = mapped_column(String(500))  # comma-separated; empty = any MH service
    provider_npi: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))  # approved, pending, denied
    source: Mapped[str] = mapped_column(String(10))  # manual or x12-278
    used: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def code_set(self) -> frozenset[str]:
        return frozenset(c for c in self.codes.split(",") if c)

    @property
    def remaining(self) -> int:
        return allocation.remaining(self.quantity, self.used, self.reserved)

    @property
    def overcommitted(self) -> int:
        return allocation.overcommitted(self.quantity, self.used, self.reserved)


class AuthorizationChange(Base):
    """Every change to an authorization: who, when, and the fields before and after."""

    __tablename__ = "authorization_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    authorization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("authorizations.id"), index=True
    )
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # create, update, from-278
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Visit(Base):
    """A visit as the EHR books it, and what it draws from which authorization."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("practice_id", "external_id", name="uq_visits_practice_external"),
        Index("ix_visits_coverage_date", "coverage_id", "date"),
        Index("ix_visits_practice_date", "practice_id", "date", "id"),
        Index("ix_visits_practice_updated", "practice_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    coverage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverages.id"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[date]
    code: Mapped[str] = mapped_column(String(5))
    minutes: Mapped[int | None] = mapped_column(Integer)
    provider_npi: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15))
    authorization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("authorizations.id"), index=True
    )
    units: Mapped[int] = mapped_column(Integer, default=0)  # drawn from the authorization
    effect: Mapped[str] = mapped_column(String(8))  # reserve, use or release
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class VisitChange(Base):
    """Every change to a visit: who, when, and the fields before and after."""

    __tablename__ = "visit_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # A visit is deleted through the API by status (its history stays); a row removed by hand
    # takes its history with it.
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"),
                                                index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # create, update, status, delete
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeeScheduleEntry(Base):
    """What the practice expects a payer to allow for a code (for client estimates)."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        UniqueConstraint("practice_id", "payer", "code", name="uq_fee_schedule_entry"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    payer: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(5))
    allowed_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PracticeSettings(Base):
    """A practice's counting policy and verdict thresholds (defaults when absent)."""

    __tablename__ = "practice_settings"

    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), primary_key=True)
    counting: Mapped[dict[str, Any]] = mapped_column(JSON)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Alert(Base):
    """Something a billing person should act on; derived alerts resolve themselves."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("practice_id", "kind", "subject_id", "fingerprint",
                         name="uq_alerts_subject"),
        Index("ix_alerts_practice_open", "practice_id", "resolved_at"),
        Index("ix_alerts_kind_subject_open", "kind", "subject_id", "resolved_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    coverage_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("coverages.id"))
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))  # what it is about (auth, visit...)
    fingerprint: Mapped[str] = mapped_column(String(64))  # changes when the facts change
    message: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(80))


class ReverificationRun(Base):
    """One pass of the nightly re-verification: what it selected and how far it got."""

    __tablename__ = "reverification_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practices.id"))
    status: Mapped[str] = mapped_column(String(10))  # running, finished, stopped, failed
    mode: Mapped[str] = mapped_column(String(8))  # inline or queue
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    selected: Mapped[int] = mapped_column(Integer, default=0)
    requested_by: Mapped[str] = mapped_column(String(80))
    # The process working the run (inline mode) and when it last said so: a resume refuses
    # to start while another live process holds the run.
    owner: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReverificationItem(Base):
    """One coverage in a run: its state, attempts, last check and what changed."""

    __tablename__ = "reverification_items"
    __table_args__ = (
        UniqueConstraint("run_id", "coverage_id", name="uq_reverification_items_run_coverage"),
        Index("ix_reverification_items_run_state", "run_id", "state", "payer"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reverification_runs.id"))
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    coverage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverages.id"))
    payer: Mapped[str] = mapped_column(String(64))
    # pending, running, retry (waiting for next_attempt_at), done, deferred (W/X: next run)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str | None] = mapped_column(String(10))  # active, inactive, rejected, error
    error_code: Mapped[str | None] = mapped_column(String(40))
    changes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffUser(Base):
    """A person of a practice who signs in to the front desk web app, and their lockout."""

    __tablename__ = "staff_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(12))  # front_desk, billing or admin
    password_hash: Mapped[str] = mapped_column(String(255))  # scrypt, salted
    # Wrong passwords since the last success, bumped in one UPDATE (service/db/signin.py) so
    # that parallel attempts are all counted; at the limit the account locks for a while.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(Base):
    """A signed-in browser. Its cookie carries a random token; only the token's SHA-256 is
    kept here, so a copy of this table opens no session. Deleting the row signs it out."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SigninThrottle(Base):
    """Sign-in attempts per key (an address, or an account typed from an address) in a window
    that ends at reset_at; counted in one upsert so that parallel attempts are all seen."""

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    reset_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdempotencyKey(Base):
    """The first answer to a POST sent with an Idempotency-Key, kept 24 hours for its retries.
    It is written in the same transaction as what the POST wrote (service/db/uow.py)."""

    __tablename__ = "idempotency_keys"

    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), primary_key=True)
    caller: Mapped[str] = mapped_column(String(80), primary_key=True)  # the API key's actor
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body, hashed
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WebhookEndpoint(Base):
    """Where a practice receives signed events, which events, and its signing secrets."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_practice", "practice_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    events: Mapped[str] = mapped_column(String(500))  # comma-separated event types
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sealed (service/webhooks/secrets.py); the previous one signs too until it expires.
    secret: Mapped[str] = mapped_column(Text)
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when every attempt has failed (None after a success); 3 days of it disable it.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(40))
    # The deliverer holding the endpoint (one at a time, so deliveries stay in order).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(64))

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class WebhookEvent(Base):
    """The outbox: an event, written in the transaction of the change that causes it."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_practice", "practice_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    type: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(80))  # kind:id, what ordering is kept by
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one endpoint: pending until delivered, or failed when retries run out."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "state", "id"),
        Index("ix_webhook_deliveries_resource", "endpoint_id", "resource", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    endpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_events.id"))
    resource: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[WebhookEvent] = relationship(lazy="joined", innerjoin=True)


class WebhookAttempt(Base):
    """One try of a delivery: what came back (a status, a truncated body) or what failed."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(10))  # delivered, failed, refused
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(String(1000))
    error: Mapped[str | None] = mapped_column(String(200))


class CdsClient(Base):
    """An EHR allowed to call the CDS Hooks services: its JWT issuer and where its public keys
    are (a JWK Set inline, or its URL). The issuer names the practice (migration 0019)."""

    __tablename__ = "cds_clients"
    __table_args__ = (Index("ix_cds_clients_practice_created", "practice_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"))
    issuer: Mapped[str] = mapped_column(String(255), unique=True)
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    jwks_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(80))


class CdsJti(Base):
    """A CDS Hooks JWT id already accepted, kept until its token expires (replays refused)."""

    __tablename__ = "cds_jtis"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
