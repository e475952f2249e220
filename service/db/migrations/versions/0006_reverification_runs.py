"""Re-verification runs and their items; checks remember the run that asked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reverification_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("selected", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("heartbeat_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"],
                                name=op.f("fk_reverification_runs_practice_id_practices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reverification_runs")),
    )
    op.create_table(
        "reverification_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("coverage_id", sa.Uuid(), nullable=False),
        sa.Column("payer", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_tried_at", TS, nullable=True),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("check_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["coverage_id"], ["coverages.id"],
                                name=op.f("fk_reverification_items_coverage_id_coverages")),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"],
                                name=op.f("fk_reverification_items_practice_id_practices")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["reverification_runs.id"],
            name=op.f("fk_reverification_items_run_id_reverification_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reverification_items")),
        sa.UniqueConstraint("run_id", "coverage_id", name="uq_reverification_items_run_coverage"),
    )
    with op.batch_alter_table("reverification_items", schema=None) as batch_op:
        batch_op.create_index("ix_reverification_items_run_state",
                              ["run_id", "state", "payer"], unique=False)
    with op.batch_alter_table("eligibility_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reverification_run_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_eligibility_checks_run_coverage",
                              ["reverification_run_id", "coverage_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("eligibility_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_eligibility_checks_run_coverage")
        batch_op.drop_column("reverification_run_id")
    op.drop_table("reverification_items")
    op.drop_table("reverification_runs")
