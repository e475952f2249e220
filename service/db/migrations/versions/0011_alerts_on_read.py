"""Derived alerts are no longer stored: drop those a read wrote, keep people's resolutions.

Lists derive alerts from the ledger as they stand (service/ledger/alerts.py); the table keeps the
nightly job's coverage_changed alerts and the alerts a person resolved. Open derived rows and
those the listing resolved itself ("system") would only be derived again, so they go.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM alerts WHERE kind <> 'coverage_changed' "
               "AND (resolved_at IS NULL OR resolved_by = 'system')")


def downgrade() -> None:
    # Nothing to restore: the rows removed are derived again whenever alerts are listed.
    pass
