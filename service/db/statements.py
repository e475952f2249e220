"""Units of one statement, run in autocommit on the engine's pool: the check store and the
stamp reader send their statements through here.

A unit of one statement needs no transaction: in autocommit it is one round trip instead of
three (BEGIN, the statement, COMMIT). On PostgreSQL these units are most of what a live check,
a nightly item and a verdict whose inputs are in memory cost the database layer, and
SQLAlchemy's execution around each one (switching the pooled connection to autocommit and
back, compiling, processing parameters and rows) costs two to three times the statement
itself (docs/operations.md). So on PostgreSQL each statement is compiled once, prepared once
per pooled connection and run through libpq on it; elsewhere through SQLAlchemy. Either way
it is the same SQLAlchemy statement: no SQL is written by hand.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Engine, Insert, Select, Update
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler

Row = dict[str, Any]

# libpq's result statuses and connection status (psycopg.pq.ExecStatus, ConnStatus), the
# adapters' text formats (psycopg.adapt.PyFormat.TEXT, psycopg.pq.Format.TEXT).
_COMMAND_OK, _TUPLES_OK, _CONNECTION_OK = 1, 2, 0
_TEXT, _TEXT_RESULT = "t", 0
_PARAMETER = re.compile(r"%\((\w+)\)s")
_NAMES = itertools.count(1)
_KEPT = "coverwatch_statements"
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
        self.compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.text = self.compiled.string
        self.expands = "POSTCOMPILE" in self.text  # an IN list, rendered as it is run
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
        self._server: dict[str, tuple[bytes, bytes, list[str]]] = {}

    def sql(self, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The statement's text for these values, and its parameters as the driver takes
        them (each converted by its type, None too: a JSON column stores null)."""
        if self.expands:
            state = self.compiled.construct_expanded_state(dict(values))
            sql, params, converts = state.statement, dict(state.parameters), state.processors
        else:
            params = dict(self.compiled.construct_params(dict(values)))
            sql, converts = self.text, {}
        for name, convert in (converts or self.binds).items():
            if name in params:
                params[name] = convert(params[name])
        return sql, params

    def rows(self, sent: Sequence[tuple[str, int]], found: Sequence[Sequence[Any]]) -> list[Row]:
        """Rows as dicts from the (name, type code) of each column sent and their values."""
        if self.results is None:
            dialect = self.dialect
            self.results = [
                column.type.dialect_impl(dialect).result_processor(dialect, type_code)
                for column, (_, type_code) in zip(self.columns, sent, strict=True)]
        names = [name for name, _ in sent]
        return [{name: (value if convert is None or value is None else convert(value))
                 for name, value, convert in zip(names, values, self.results, strict=True)}
                for values in found]

    def server_text(self, sql: str) -> tuple[bytes, bytes, list[str]]:
        """The server's form of the statement's text (numbered parameters), the name it is
        prepared under on each connection, and the parameter names in number order."""
        found = self._server.get(sql)
        if found is None:
            order: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match[1] not in order:
                    order.append(match[1])
                return f"${order.index(match[1]) + 1}"

            text = _PARAMETER.sub(number, sql).replace("%%", "%")
            found = self._server[sql] = (text.encode(), f"coverwatch_{next(_NAMES)}".encode(),
                                         order)
        return found


class DriverStatements:
    """Statements on the pooled psycopg connection's libpq connection (PostgreSQL): each
    prepared once per connection and run with `exec_prepared`, values in text form through
    psycopg's own adapters. libpq opens no transaction (psycopg would send BEGIN first), so
    the statement commits as it runs; and it waits for the server without the interpreter
    lock. A statement the server refuses changed nothing: it is sent once more through a
    psycopg cursor, which raises the error psycopg raises for it (its class by SQLSTATE),
    as SQLAlchemy does (DBAPIError); a connection found broken is dropped from the pool."""

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
        sql, values = prepared.sql(params)
        text, name, order = prepared.server_text(sql)
        pooled = self.engine.raw_connection()
        conn: Any = pooled.driver_connection  # psycopg's Connection
        try:
            pgconn = conn.pgconn
            # What is prepared on this connection, and its adapters for each type met so far
            # (a new connection, new ones).
            kept = pooled.info.get(_KEPT)
            if kept is None or kept.conn is not conn:
                kept = pooled.info[_KEPT] = _Kept(conn)
            if name not in kept.prepared:
                if pgconn.prepare(name, text).status != _COMMAND_OK:
                    return self._through_cursor(pooled, conn, prepared, sql, values, many,
                                                count)
                kept.prepared.add(name)
            result = pgconn.exec_prepared(name, [
                None if (value := values[key]) is None else kept.dump(value) for key in order])
            if result.status not in (_COMMAND_OK, _TUPLES_OK):
                return self._through_cursor(pooled, conn, prepared, sql, values, many, count)
            if count:
                return result.command_tuples or 0
            if result.status != _TUPLES_OK:
                return []
            columns = range(result.nfields)
            types = [result.ftype(i) for i in columns]
            loaders = [kept.loader(oid) for oid in types]
            found = [[None if (data := result.get_value(row, i)) is None else
                      loaders[i].load(data) for i in columns]
                     for row in range(result.ntuples if many else min(result.ntuples, 1))]
            return prepared.rows([(result.fname(i).decode(), types[i]) for i in columns],
                                 found)
        except self.error as error:
            raise self._lost(pooled, conn, prepared, error) from error
        finally:
            pooled.close()

    def _through_cursor(self, pooled: Any, conn: Any, prepared: _Prepared, sql: str,
                        values: dict[str, Any], many: bool, count: bool) -> Any:
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, values)
                if count:
                    return cursor.rowcount
                if cursor.description is None:
                    return []
                return prepared.rows([(c.name, c.type_code) for c in cursor.description],
                                     cursor.fetchall() if many else cursor.fetchmany(1))
        except self.error as error:
            raise self._lost(pooled, conn, prepared, error) from error
        finally:
            if not (conn.closed or conn.broken):
                conn.autocommit = False

    def _lost(self, pooled: Any, conn: Any, prepared: _Prepared,
              error: Exception) -> StatementError:
        lost = bool(conn.closed or conn.broken or conn.pgconn.status != _CONNECTION_OK)
        if lost:
            pooled.invalidate(error)
        return DBAPIError.instance(prepared.compiled.string, None, error, self.error,
                                   connection_invalidated=lost)


class _Kept:
    """What one pooled connection keeps between statements: the names prepared on it, and
    psycopg's adapters for it by Python type (values sent) and type code (columns read)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.prepared: set[bytes] = set()
        self.dumpers: dict[type, Any] = {}
        self.loaders: dict[int, Any] = {}

    def dump(self, value: Any) -> Any:
        kind = type(value)
        dumper = self.dumpers.get(kind)
        if dumper is None:
            dumper = self.dumpers[kind] = self.conn.adapters.get_dumper(kind, _TEXT)(kind,
                                                                                    self.conn)
        # upgrade() picks the dumper for this very value where the type has several (int).
        return dumper.upgrade(value, _TEXT).dump(value)

    def loader(self, oid: int) -> Any:
        loader = self.loaders.get(oid)
        if loader is None:
            found = self.conn.adapters.get_loader(oid, _TEXT_RESULT) or _Bytes
            loader = self.loaders[oid] = found(oid, self.conn)
        return loader


class _Bytes:
    """A column of a type psycopg has no loader for: its text as sent."""

    def __init__(self, _oid: int, _conn: Any) -> None:
        pass

    def load(self, data: Any) -> str:
        return bytes(data).decode()


def statements_for(engine: Engine) -> Statements:
    """How this engine's units of one statement are run."""
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        return DriverStatements(engine)
    return CoreStatements(engine)
