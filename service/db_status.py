"""Whether the database can be used: the readiness probe, and one error for the commands."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("coverwatch.ops")


class DatabaseUnusable(Exception):
    """The database could not be used; the message is the error's kind only (no SQL, no values)."""


def answers(engine: Engine) -> bool:
    """One round trip on a pooled connection."""
    try:
        with engine.connect() as conn:
            conn.execute(select(1))
    except SQLAlchemyError:
        log.warning("readiness check failed: database unreachable")
        return False
    return True


@contextmanager
def unusable_as_error() -> Iterator[None]:
    """Turn any database error inside the block into DatabaseUnusable."""
    try:
        yield
    except SQLAlchemyError as error:
        raise DatabaseUnusable(type(error).__name__) from error
