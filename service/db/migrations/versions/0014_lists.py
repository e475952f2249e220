"""Indexes for the practice-wide lists read by cursor (service/db/lists.py).

Each list seeks by its order's keys within one practice: visits by date or by change,
authorizations by end date or by change, coverages and patients by creation or by change,
checks by start, the audit log by time then public id. No column is added: visits,
authorizations, coverages and patients carry updated_at already (every write path sets it),
a check changes once, when its outcome is stored (checked_at), and audit rows never change.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_visits_practice_date", "visits", ["practice_id", "date", "id"]),
    ("ix_visits_practice_updated", "visits", ["practice_id", "updated_at", "id"]),
    ("ix_authorizations_practice_end", "authorizations", ["practice_id", "end_date", "id"]),
    ("ix_authorizations_practice_updated", "authorizations",
     ["practice_id", "updated_at", "id"]),
    ("ix_coverages_practice_created", "coverages", ["practice_id", "created_at", "id"]),
    ("ix_coverages_practice_updated", "coverages", ["practice_id", "updated_at", "id"]),
    ("ix_patients_practice_created", "patients", ["practice_id", "created_at", "id"]),
    ("ix_patients_practice_updated", "patients", ["practice_id", "updated_at", "id"]),
    ("ix_eligibility_checks_practice_started", "eligibility_checks",
     ["practice_id", "started_at", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # The audit log pages by (at, public_id): the id never leaves the database.
    op.drop_index("ix_audit_log_practice_at", table_name="audit_log")
    op.create_index("ix_audit_log_practice_at", "audit_log", ["practice_id", "at", "public_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_practice_at", table_name="audit_log")
    op.create_index("ix_audit_log_practice_at", "audit_log", ["practice_id", "at"])
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
