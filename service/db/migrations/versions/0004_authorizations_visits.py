"""Authorizations with their change history, visits, the fee schedule and practice settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("payer", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("allowed_amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_fee_schedule_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_schedule")),
        sa.UniqueConstraint("practice_id", "payer", "code", name="uq_fee_schedule_entry"),
    )
    op.create_table(
        "practice_settings",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("counting", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_settings_practice_id_practices"),
        ),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_practice_settings")),
    )
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("coverage_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("unit", sa.String(length=5), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("minutes_per_unit", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("codes", sa.String(length=500), nullable=False),
        sa.Column("provider_npi", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["coverage_id"], ["coverages.id"], name=op.f("fk_authorizations_coverage_id_coverages")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_authorizations_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint("coverage_id", "number", name="uq_authorizations_coverage_number"),
    )
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authorizations_coverage_id"), ["coverage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_authorizations_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "authorization_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("authorization_id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["authorizations.id"],
            name=op.f("fk_authorization_changes_authorization_id_authorizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorization_changes")),
    )
    with op.batch_alter_table("authorization_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authorization_changes_authorization_id"),
            ["authorization_id"],
            unique=False,
        )

    op.create_table(
        "visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("coverage_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("provider_npi", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("authorization_id", sa.Uuid(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("effect", sa.String(length=8), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["authorizations.id"],
            name=op.f("fk_visits_authorization_id_authorizations"),
        ),
        sa.ForeignKeyConstraint(
            ["coverage_id"], ["coverages.id"], name=op.f("fk_visits_coverage_id_coverages")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_visits_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("practice_id", "external_id", name="uq_visits_practice_external"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visits_authorization_id"), ["authorization_id"], unique=False
        )
        batch_op.create_index("ix_visits_coverage_date", ["coverage_id", "date"], unique=False)


def downgrade() -> None:
    for table in (
        "visits",
        "authorization_changes",
        "authorizations",
        "practice_settings",
        "fee_schedule",
    ):
        op.drop_table(table)
