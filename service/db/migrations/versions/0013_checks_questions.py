"""A check records the question it asked; editing a patient moves its coverages' stamps.

`question_key` and `subject_key` are digests (service/domain/question.py) that reuse, the
join of a question already in flight and verdicts match on; `question` holds its parts
without patient data, for the API. A partial unique index keeps one pending check per
question of a coverage. Rows from before stay NULL: they are never reused, and a
verdict takes their answer as being about the coverage as it is. A patient's names and birth
date are part of the question, so their update bumps the ledger stamp of the patient's
coverages, as migration 0008's triggers do for the coverage's own fields.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CHANGED = ("OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name "
           "OR OLD.birth_date IS NOT NEW.birth_date")
PENDING_QUESTION = "uq_eligibility_checks_pending_question"
BUMP = "UPDATE coverages SET ledger_version = ledger_version + 1 WHERE patient_id = NEW.id;"


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps the table and its triggers.
    op.add_column("eligibility_checks", sa.Column("question_key", sa.String(64)))
    op.add_column("eligibility_checks", sa.Column("subject_key", sa.String(64)))
    op.add_column("eligibility_checks", sa.Column("question", sa.JSON()))
    # One pending check per question of a coverage (rows from before have no question).
    pending = sa.text("status = 'pending'")
    op.create_index(PENDING_QUESTION, "eligibility_checks", ["coverage_id", "question_key"],
                    unique=True, sqlite_where=pending, postgresql_where=pending)
    if op.get_bind().dialect.name == "postgresql":
        changed = CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
        op.execute(f"""
            CREATE FUNCTION cw_bump_patients() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              {BUMP}
              RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER cw_bump_patients AFTER UPDATE ON patients FOR EACH ROW "
                   f"WHEN ({changed}) EXECUTE FUNCTION cw_bump_patients()")
    else:
        op.execute(f"CREATE TRIGGER cw_bump_patients_upd AFTER UPDATE ON patients "
                   f"WHEN {CHANGED} BEGIN {BUMP} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER cw_bump_patients ON patients")
        op.execute("DROP FUNCTION cw_bump_patients()")
    else:
        op.execute("DROP TRIGGER cw_bump_patients_upd")
    op.drop_index(PENDING_QUESTION, table_name="eligibility_checks")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy that would lose 0008's triggers.
    for name in ("question", "subject_key", "question_key"):
        op.drop_column("eligibility_checks", name)
