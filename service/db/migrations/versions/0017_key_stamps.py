"""A key revoked or given other scopes moves its practice's config stamp.

A verdict check reads the practice's `config_version` in its one statement (migration 0008);
a process that keeps the keys it has verified trusts one only while that stamp is the one it
was verified under (service/web/auth.py), so a revocation through any worker or command
reaches every worker's next check. A trigger, as in 0008, so no write path can forget it;
last-use writes leave the stamp alone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION cw_bump_api_keys() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE practices SET config_version = config_version + 1
              WHERE id = NEW.practice_id;
              RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER cw_bump_api_keys AFTER UPDATE OF revoked_at, scopes "
                   "ON api_keys FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM "
                   "NEW.revoked_at OR OLD.scopes IS DISTINCT FROM NEW.scopes) "
                   "EXECUTE FUNCTION cw_bump_api_keys()")
    else:
        op.execute("CREATE TRIGGER cw_bump_api_keys AFTER UPDATE OF revoked_at, scopes "
                   "ON api_keys WHEN OLD.revoked_at IS NOT NEW.revoked_at "
                   "OR OLD.scopes IS NOT NEW.scopes "
                   "BEGIN UPDATE practices SET config_version = config_version + 1 "
                   "WHERE id = NEW.practice_id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER cw_bump_api_keys ON api_keys")
        op.execute("DROP FUNCTION cw_bump_api_keys()")
    else:
        op.execute("DROP TRIGGER cw_bump_api_keys")
