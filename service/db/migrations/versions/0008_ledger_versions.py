"""Version stamps that every write to a verdict's inputs bumps, kept by database triggers.

`coverages.ledger_version` moves whenever the coverage row, one of its visits or
authorizations, or one of its finished eligibility checks is written; `practices.config_version`
whenever the practice's settings or fee schedule are. A process may then keep a verdict's
inputs in memory and trust them while both stamps are unchanged. Triggers, not application
code, so that no write path (a script, a migration, a future endpoint) can forget the bump.
On SQLite a later migration that rebuilds one of these tables (batch mode's copy-and-move)
drops its triggers: such a migration must create them again (`_sqlite_triggers`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, column naming the coverage or practice, stamp table, stamp column, insert guard).
# A pending eligibility check is not an input (verdicts read finished checks only), so its
# insert does not bump; the update that finishes it does.
CHILDREN = (
    ("visits", "coverage_id", "coverages", "ledger_version", None),
    ("authorizations", "coverage_id", "coverages", "ledger_version", None),
    ("eligibility_checks", "coverage_id", "coverages", "ledger_version",
     "NEW.status <> 'pending'"),
    ("practice_settings", "practice_id", "practices", "config_version", None),
    ("fee_schedule", "practice_id", "practices", "config_version", None),
)


def upgrade() -> None:
    with op.batch_alter_table("coverages") as batch_op:
        batch_op.add_column(sa.Column("ledger_version", sa.BigInteger(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("practices") as batch_op:
        batch_op.add_column(sa.Column("config_version", sa.BigInteger(), nullable=False,
                                      server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    for table, ref, stamps, column, guard in CHILDREN:
        function = f"cw_bump_{table}"
        # Names from CHILDREN above, never input.
        old = f"UPDATE {stamps} SET {column} = {column} + 1 WHERE id = OLD.{ref};"  # noqa: S608
        new = f"UPDATE {stamps} SET {column} = {column} + 1 WHERE id = NEW.{ref};"  # noqa: S608
        insert_guard = f"({guard})" if guard else "TRUE"
        op.execute(f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                IF {insert_guard} THEN {new} END IF;
              ELSIF TG_OP = 'DELETE' THEN
                {old}
              ELSE
                {new}
                IF NEW.{ref} IS DISTINCT FROM OLD.{ref} THEN {old} END IF;
              END IF;
              RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {function}()")
    # The coverage's own fields (network status, payer) are inputs too. The children's bumps
    # already change the stamp, so this adds one only to updates that left it alone.
    op.execute("""
        CREATE FUNCTION cw_bump_coverages() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.ledger_version = OLD.ledger_version THEN
            NEW.ledger_version := OLD.ledger_version + 1;
          END IF;
          RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER cw_bump_coverages BEFORE UPDATE ON coverages "
               "FOR EACH ROW EXECUTE FUNCTION cw_bump_coverages()")


def _sqlite_triggers() -> None:
    for table, ref, stamps, column, guard in CHILDREN:
        bump = f"UPDATE {stamps} SET {column} = {column} + 1 WHERE id"  # noqa: S608
        when = f" WHEN {guard}" if guard else ""
        op.execute(f"CREATE TRIGGER cw_bump_{table}_ins AFTER INSERT ON {table}{when} "
                   f"BEGIN {bump} = NEW.{ref}; END")
        op.execute(f"CREATE TRIGGER cw_bump_{table}_upd AFTER UPDATE ON {table} "
                   f"BEGIN {bump} IN (NEW.{ref}, OLD.{ref}); END")
        op.execute(f"CREATE TRIGGER cw_bump_{table}_del AFTER DELETE ON {table} "
                   f"BEGIN {bump} = OLD.{ref}; END")
    # SQLite cannot assign NEW in a BEFORE trigger; the WHEN clause keeps this from firing on
    # the update it makes itself (and on the children's bumps).
    op.execute("CREATE TRIGGER cw_bump_coverages AFTER UPDATE ON coverages "
               "WHEN NEW.ledger_version = OLD.ledger_version "
               "BEGIN UPDATE coverages SET ledger_version = OLD.ledger_version + 1 "
               "WHERE id = NEW.id; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, *_ in CHILDREN:
        if postgresql:
            op.execute(f"DROP TRIGGER cw_bump_{table} ON {table}")
            op.execute(f"DROP FUNCTION cw_bump_{table}()")
        else:
            for suffix in ("ins", "upd", "del"):
                op.execute(f"DROP TRIGGER cw_bump_{table}_{suffix}")
    if postgresql:
        op.execute("DROP TRIGGER cw_bump_coverages ON coverages")
        op.execute("DROP FUNCTION cw_bump_coverages()")
    else:
        op.execute("DROP TRIGGER cw_bump_coverages")
    with op.batch_alter_table("practices") as batch_op:
        batch_op.drop_column("config_version")
    with op.batch_alter_table("coverages") as batch_op:
        batch_op.drop_column("ledger_version")
