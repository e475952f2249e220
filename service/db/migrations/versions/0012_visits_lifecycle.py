"""Visit history and coverage life cycle: visit_changes, coverages.end_date, one card per patient.

A coverage is ended when its `end_date` is set. While active, a patient holds one coverage per
payer and member id and one per priority (partial unique indexes, on active rows only). Rows
that break those rules today are resolved the way a front desk re-typing a card means it: of
clashing active coverages of one patient, the most recently created stays active and the
older ones are ended on the day of the upgrade (their checks, authorizations and visits stay).
Columns and an index are added without rebuilding a table, so SQLite keeps the ledger-version
triggers of 0008.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ACTIVE = sa.text("end_date IS NULL")


def upgrade() -> None:
    op.add_column("coverages", sa.Column("end_date", sa.Date(), nullable=True))
    _end_clashing_coverages()
    op.create_index("uq_coverages_active_member", "coverages",
                    ["patient_id", "payer", "member_id"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index("uq_coverages_active_priority", "coverages", ["patient_id", "priority"],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_table(
        "visit_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], ondelete="CASCADE",
                                name="fk_visit_changes_visit_id_visits"),
        sa.PrimaryKeyConstraint("id", name="pk_visit_changes"),
    )
    op.create_index("ix_visit_changes_visit_id", "visit_changes", ["visit_id"])


def _end_clashing_coverages() -> None:
    coverages = sa.table("coverages", sa.column("id", sa.Uuid()),
                         sa.column("patient_id", sa.Uuid()), sa.column("payer", sa.String()),
                         sa.column("member_id", sa.String()), sa.column("priority", sa.String()),
                         sa.column("created_at", sa.DateTime()),
                         sa.column("end_date", sa.Date()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(coverages.c.id, coverages.c.patient_id, coverages.c.payer,
                                  coverages.c.member_id, coverages.c.priority)
                        .where(coverages.c.end_date.is_(None))
                        .order_by(coverages.c.patient_id, coverages.c.created_at.desc(),
                                  coverages.c.id.desc())).all()
    held: set[tuple[object, ...]] = set()
    ended = []
    for row in rows:
        card = (row.patient_id, "card", row.payer, row.member_id)
        slot = (row.patient_id, "priority", row.priority)
        if card in held or slot in held:
            ended.append(row.id)
        else:
            held.update((card, slot))
    if ended:
        today = datetime.now(UTC).date()
        conn.execute(sa.update(coverages).where(coverages.c.id.in_(ended))
                     .values(end_date=today))


def downgrade() -> None:
    op.drop_index("ix_visit_changes_visit_id", table_name="visit_changes")
    op.drop_table("visit_changes")
    op.drop_index("uq_coverages_active_priority", table_name="coverages")
    op.drop_index("uq_coverages_active_member", table_name="coverages")
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode's table copy, which would lose the
    # ledger-version trigger of 0008 on coverages.
    op.execute("ALTER TABLE coverages DROP COLUMN end_date")
