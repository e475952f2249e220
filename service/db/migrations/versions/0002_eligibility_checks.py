"""Eligibility checks with their raw exchanges, and the X12 control-number counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "control_counters",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_control_counters"),
    )
    counters = sa.table("control_counters", sa.column("name", sa.String),
                        sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "interchange", "value": 0}])
    op.create_table(
        "eligibility_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("coverage_id", sa.Uuid(), nullable=False),
        sa.Column("payer", sa.String(64), nullable=False),
        sa.Column("route", sa.String(64), nullable=True),
        sa.Column("routes_tried", sa.String(200), nullable=True),
        sa.Column("service_types", sa.String(300), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("provider_npi", sa.String(10), nullable=False),
        sa.Column("network_status", sa.String(3), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("error_message", sa.String(300), nullable=True),
        sa.Column("reached_payer", sa.Boolean(), nullable=False),
        sa.Column("trace_number", sa.String(50), nullable=False),
        sa.Column("control_number", sa.BigInteger(), nullable=False),
        sa.Column("request_raw", sa.Text(), nullable=True),
        sa.Column("response_raw", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("elapsed_ms", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("carve_out_check_id", sa.Uuid(), nullable=True),
        sa.Column("carve_out_of_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("checked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"],
                                name="fk_eligibility_checks_practice_id_practices"),
        sa.ForeignKeyConstraint(["coverage_id"], ["coverages.id"],
                                name="fk_eligibility_checks_coverage_id_coverages"),
        sa.ForeignKeyConstraint(["carve_out_check_id"], ["eligibility_checks.id"],
                                name="fk_eligibility_checks_carve_out_check_id_eligibility_checks"),
        sa.PrimaryKeyConstraint("id", name="pk_eligibility_checks"),
    )
    op.create_index("ix_eligibility_checks_coverage_started", "eligibility_checks",
                    ["coverage_id", "started_at"])
    op.create_index("ix_eligibility_checks_practice_id", "eligibility_checks", ["practice_id"])


def downgrade() -> None:
    op.drop_table("eligibility_checks")
    op.drop_table("control_counters")
