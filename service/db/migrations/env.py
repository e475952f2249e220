"""Alembic environment: migrates the URL given by the caller or by DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from service.config import Config
from service.db.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or Config.from_env().database_url


def run() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
