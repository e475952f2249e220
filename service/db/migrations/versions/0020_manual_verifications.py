"""Phone verifications: an eligibility answer heard on a call, stored as a check of its own.

`source` says where an answer came from: `payer` (a 270 sent, a 271 read) or `phone` (what
the payer's representative said, recorded by the front desk). `phone_call` holds who said
it and the call's reference (and the staff member's notes); null for a payer's answer.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps the table and 0008's triggers.
    op.add_column("eligibility_checks", sa.Column("source", sa.String(5), nullable=False,
                                                  server_default="payer"))
    op.add_column("eligibility_checks", sa.Column("phone_call", sa.JSON()))


def downgrade() -> None:
    for name in ("phone_call", "source"):
        op.drop_column("eligibility_checks", name)
