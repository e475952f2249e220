"""API keys managed over the API: who created each key, and when it was last used.

`created_by` is the audit actor that created the key (`api_key:<id>`, `cli:…`); keys from
before stay NULL. `last_used_at` is written at most about once a minute per key (the
authentication's compare-and-set), never on every request. Plain ADD COLUMN: no table copy.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("created_by", sa.String(80), nullable=True))
    op.add_column("api_keys", sa.Column("last_used_at", sa.DateTime(timezone=True),
                                        nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as 0012 does.
    op.execute("ALTER TABLE api_keys DROP COLUMN last_used_at")
    op.execute("ALTER TABLE api_keys DROP COLUMN created_by")
