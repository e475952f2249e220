"""Units of one statement, run in autocommit on the engine's pool: the check store and the
stamp reader send their statements through here.

A unit of one statement needs no transaction: in autocommit it is one round trip instead of
three (BEGIN, the statement, COMMIT). On PostgreSQL these units are most of what a live check,
a nightly item and a verdict whose inputs are in memory cost the database layer, and
SQLAlchemy's execution around each one (switching the pooled connection to autocommit and
back, compiling, processing parameters and rows) costs two to three times the statement
itself (bench/README.md). So on PostgreSQL each statement is compiled once and run straight
on the pooled driver connection; elsewhere through SQLAlchemy. Either way it is the same
SQLAlchemy statement: no SQL is written by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Engine, Insert, Select, Update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

Row = dict[str, Any]

# What is run here: a SELECT, INSERT or UPDATE of SQLAlchemy Core.
Statement = Select[*tuple[Any, ...]] | Insert | Update


class Statements(Protocol):
    """Each call runs one statement as a unit of its own (committed when it returns)."""

    def first(self, statement: Statement, params: Mapping[str, Any]) -> Row | None: ...

    def all(self, statement: Statement, params: Mapping[str, Any]) -> list[Row]: ...

    def rowcount(self, statement: Statement, params: Mapping[str, Any]) -> int: ...


class CoreStatements:
    """Statements through SQLAlchemy's Connection (SQLite, and any other database)."""

    def __init__(self, engine: Engine) -> None:
        self.alone = engine.execution_options(isolation_level="AUTOCOMMIT")

    def first(self, statement: Statement, params: Mapping[str, Any]) -> Row | None:
        with self.alone.connect() as conn:
            row = conn.execute(statement, dict(params)).first()
        return None if row is None else dict(row._mapping)

    def all(self, statement: Statement, params: Mapping[str, Any]) -> list[Row]:
        with self.alone.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(statement, dict(params))]

    def rowcount(self, statement: Statement, params: Mapping[str, Any]) -> int:
        with self.alone.connect() as conn:
            return int(conn.execute(statement, dict(params)).rowcount)


class _Prepared:
    """A statement compiled once for the dialect, with its parameters' and columns' type
    conversions (UTC datetimes, JSON) taken from SQLAlchemy's types."""

    def __init__(self, statement: Statement, engine: Engine) -> None:
        dialect = engine.dialect
        # Expanding parameters (IN lists) are rendered as each statement is run.
        self.compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.binds: dict[str, Callable[[Any], Any]] = {}
        for name, bind in self.compiled.binds.items():
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if convert is not None:
                self.binds[name] = convert
        self.dialect = dialect
        # The columns a SELECT or a RETURNING gives back, in order; their conversions are
        # known once the driver has said what it sends (the first run).
        self.columns = list(getattr(statement, "exported_columns", ()))
        self.results: list[Callable[[Any], Any] | None] | None = None

    def sql(self, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The statement's text for these values, and its parameters as the driver takes
        them (each converted by its type, None too: a JSON column stores null)."""
        state = self.compiled.construct_expanded_state(dict(values))
        params = dict(state.parameters)
        for name, convert in (state.processors or self.binds).items():
            if name in params:
                params[name] = convert(params[name])
        return state.statement, params

    def rows(self, description: Sequence[Any], found: Sequence[tuple[Any, ...]]) -> list[Row]:
        if self.results is None:
            dialect = self.dialect
            self.results = [
                column.type.dialect_impl(dialect).result_processor(dialect, sent.type_code)
                for column, sent in zip(self.columns, description, strict=True)]
        names = [sent.name for sent in description]
        return [{name: (value if convert is None or value is None else convert(value))
                 for name, value, convert in zip(names, values, self.results, strict=True)}
                for values in found]


class DriverStatements:
    """Statements on the pooled psycopg connection itself, switched to autocommit for the
    statement (PostgreSQL). A connection that breaks is dropped from the pool, and the error
    raised as SQLAlchemy raises it (DBAPIError, `connection_invalidated` set)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.error: type[Exception] = engine.dialect.loaded_dbapi.Error

    @functools.lru_cache(maxsize=128)  # noqa: B019 - one store per engine, for the process
    def prepared(self, statement: Statement) -> _Prepared:
        return _Prepared(statement, self.engine)

    def first(self, statement: Statement, params: Mapping[str, Any]) -> Row | None:
        rows = self._run(statement, params, many=False)
        return rows[0] if rows else None

    def all(self, statement: Statement, params: Mapping[str, Any]) -> list[Row]:
        return self._run(statement, params, many=True)

    def rowcount(self, statement: Statement, params: Mapping[str, Any]) -> int:
        return self._run(statement, params, many=False, count=True)

    def _run(self, statement: Statement, params: Mapping[str, Any], *, many: bool,
             count: bool = False) -> Any:
        prepared = self.prepared(statement)
        pooled = self.engine.raw_connection()
        conn: Any = pooled.driver_connection  # psycopg's Connection
        try:
            conn.autocommit = True
            sql, values = prepared.sql(params)
            with conn.cursor() as cursor:
                cursor.execute(sql, values)
                if count:
                    return cursor.rowcount
                if cursor.description is None:
                    return []
                return prepared.rows(cursor.description,
                                     cursor.fetchall() if many else cursor.fetchmany(1))
        except self.error as error:
            lost = bool(conn.closed or conn.broken)
            if lost:
                pooled.invalidate(error)
            raise DBAPIError.instance(prepared.compiled.string, None, error, self.error,
                                      connection_invalidated=lost) from error
        finally:
            if not (conn.closed or conn.broken):
                conn.autocommit = False
            pooled.close()


def statements_for(engine: Engine) -> Statements:
    """How this engine's units of one statement are run."""
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        return DriverStatements(engine)
    return CoreStatements(engine)
