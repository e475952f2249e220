"""The PostgreSQL pool: a connection that died while idle is replaced before it is used."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from service.db.engine import make_engine


def kill_backend(url: str, pid: int) -> None:
    admin = create_engine(url)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_killed_while_idle_is_replaced_without_an_error(pg_url: str) -> None:
    # Given a pool whose only connection is terminated by the server while it sits idle
    engine = make_engine(pg_url, ping_idle_s=0)
    try:
        first = backend_pid(engine)
        kill_backend(pg_url, first)
        # When the pool hands out a connection again, Then it works, on a new backend
        assert backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_handed_out_without_a_ping(pg_url: str) -> None:
    # The ping is skipped for a connection used moments ago: a dead one then fails once.
    engine = make_engine(pg_url, ping_idle_s=3600)
    try:
        kill_backend(pg_url, backend_pid(engine))
        with pytest.raises(Exception, match="terminat|closed|connection"):
            backend_pid(engine)
        assert backend_pid(engine) > 0  # the pool replaced it after the failure
    finally:
        engine.dispose()
