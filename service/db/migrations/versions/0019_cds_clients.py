"""CDS Hooks clients: the EHRs whose signed JWTs may call /cds-services, and the JWT ids seen.

An administrator registers an EHR's issuer with its keys (a JWK Set inline, or the URL it is
published at); the issuer names one practice, so it is unique across practices. `cds_jtis`
remembers each accepted JWT id until its token expires, so a replayed token is refused by
every worker, not only the one that saw it first. On PostgreSQL that table is UNLOGGED: every
hook call adds a row, and a commit that wrote only unlogged rows does not wait for the WAL to
reach the disk (a call would otherwise wait for an fsync). A crash empties the table; the
tokens accepted in the five minutes before could then be replayed until they expire, which
the docs say (docs/cds-hooks.md).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cds_clients",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("practice_id", sa.Uuid, sa.ForeignKey(
            "practices.id", name="fk_cds_clients_practice_id_practices"), nullable=False),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("jwks", sa.JSON, nullable=True),
        sa.Column("jwks_url", sa.String(2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cds_clients"),
        sa.UniqueConstraint("issuer", name="uq_cds_clients_issuer"),
    )
    op.create_index("ix_cds_clients_practice_created", "cds_clients",
                    ["practice_id", "created_at", "id"])
    op.create_table(
        "cds_jtis",
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("jti", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "jti", name="pk_cds_jtis"),
    )
    op.create_index("ix_cds_jtis_expires_at", "cds_jtis", ["expires_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cds_jtis SET UNLOGGED")


def downgrade() -> None:
    op.drop_index("ix_cds_jtis_expires_at", table_name="cds_jtis")
    op.drop_table("cds_jtis")
    op.drop_index("ix_cds_clients_practice_created", table_name="cds_clients")
    op.drop_table("cds_clients")
