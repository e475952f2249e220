"""PostgreSQL: interchange control numbers from a sequence instead of a locked counter row.

A sequence hands out values without a row lock, so concurrent checks never queue behind each
other's transactions; values are never reused, even after a crash. SQLite keeps the counter
row (it serializes writers anyway).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    start = op.get_bind().execute(
        sa.text("SELECT coalesce(max(value), 0) + 1 FROM control_counters "
                "WHERE name = 'interchange'")
    ).scalar_one()
    op.execute(f"CREATE SEQUENCE interchange_control_number START WITH {int(start)} "
               "MAXVALUE 999999999")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE control_counters SET value = "
        "(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
        "FROM interchange_control_number) WHERE name = 'interchange'"
    )
    op.execute("DROP SEQUENCE interchange_control_number")
