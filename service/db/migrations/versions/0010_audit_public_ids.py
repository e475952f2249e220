"""Audit entries get a random public id: the API no longer shows the shared sequence.

`audit_log.id` stays the primary key and the listing's order, but it is one sequence for
every practice, so two of a practice's own ids would tell it how much the others did in
between. Existing rows get a random id here. On SQLite the NOT NULL is a table rebuild;
audit_log has no triggers (see 0008), so nothing is lost with it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# A version 4 UUID as SQLAlchemy's Uuid type stores it on SQLite: 32 lower-case hex digits.
SQLITE_UUID4 = ("lower(hex(randomblob(4)) || hex(randomblob(2)) || '4' || "
                "substr(hex(randomblob(2)), 2) || substr('89ab', 1 + abs(random()) % 4, 1) || "
                "substr(hex(randomblob(2)), 2) || hex(randomblob(6)))")


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.Uuid(), nullable=True))
    random_id = ("gen_random_uuid()" if op.get_bind().dialect.name == "postgresql"
                 else SQLITE_UUID4)
    op.execute(f"UPDATE audit_log SET public_id = {random_id}")  # noqa: S608 - constants
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.alter_column("public_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index("ix_audit_log_public_id", ["public_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index("ix_audit_log_public_id")
        batch_op.drop_column("public_id")
