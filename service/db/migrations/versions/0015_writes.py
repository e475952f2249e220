"""Safe retries and concurrent edits: stored answers of Idempotency-Keys, row versions.

`idempotency_keys` keeps the first answer to a POST sent with an Idempotency-Key for 24 hours,
keyed by practice, API key and the client's key. Patients, coverages, authorizations and
visits gain `version`, bumped by every write of the row (the ORM's version counter, checked
in the UPDATE itself): their strong ETag, and what If-Match compares. Rows from before start
at 1.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from service.db.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

VERSIONED = ("patients", "coverages", "authorizations", "visits")


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("practice_id", sa.Uuid(), sa.ForeignKey("practices.id",
                  name="fk_idempotency_keys_practice_id_practices"), nullable=False),
        sa.Column("caller", sa.String(80), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("practice_id", "caller", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    # Plain ADD COLUMN (no batch copy): SQLite keeps the tables and their triggers.
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.BigInteger(), nullable=False,
                                       server_default="1"))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy that would lose 0008's triggers.
    for table in VERSIONED:
        op.drop_column(table, "version")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
