"""Route alerts: indexes for judging a payer route after each of its checks.

After a check finishes, its route's checks of the last hour are read (every practice's), and
the open route_degraded alerts about the route are looked up (service/eligibility/
route_alerts.py). Without these indexes both would scan their whole table for every check.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_eligibility_checks_route_started", "eligibility_checks",
                    ["route", "started_at"])
    op.create_index("ix_alerts_kind_subject_open", "alerts",
                    ["kind", "subject_id", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_alerts_kind_subject_open", table_name="alerts")
    op.drop_index("ix_eligibility_checks_route_started", table_name="eligibility_checks")
