"""Foundation: practices, API keys, patients, coverages and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("npi", sa.String(10), nullable=False),
        sa.Column("tax_id", sa.String(10), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practices"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        _fk("api_keys", "practice_id", "practices"),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_practice_id", "api_keys", ["practice_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("at", TS, nullable=False),
        _fk("audit_log", "practice_id", "practices"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_practice_at", "audit_log", ["practice_id", "at"])
    op.create_table(
        "patients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.Column("first_name", sa.String(35), nullable=False),
        sa.Column("last_name", sa.String(60), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(1), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("patients", "practice_id", "practices"),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("practice_id", "external_id", name="uq_patients_practice_external"),
    )
    op.create_index("ix_patients_practice_last_name", "patients", ["practice_id", "last_name"])
    op.create_table(
        "coverages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("payer", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(80), nullable=False),
        sa.Column("group_number", sa.String(50), nullable=True),
        sa.Column("relationship", sa.String(10), nullable=False),
        sa.Column("subscriber_first_name", sa.String(35), nullable=True),
        sa.Column("subscriber_last_name", sa.String(60), nullable=True),
        sa.Column("subscriber_birth_date", sa.Date(), nullable=True),
        sa.Column("subscriber_gender", sa.String(1), nullable=True),
        sa.Column("subscriber_member_id", sa.String(80), nullable=True),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("network_status", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("coverages", "patient_id", "patients"),
        _fk("coverages", "practice_id", "practices"),
        sa.PrimaryKeyConstraint("id", name="pk_coverages"),
    )
    op.create_index("ix_coverages_patient_id", "coverages", ["patient_id"])
    op.create_index("ix_coverages_practice_id", "coverages", ["practice_id"])


def downgrade() -> None:
    for table in ("coverages", "patients", "audit_log", "api_keys", "practices"):
        op.drop_table(table)
