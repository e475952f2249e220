"""A verdict's inputs per coverage, kept in memory for as long as their version stamps stand.

A verdict reads the coverage, its latest checks, its authorizations, its counted visits, the
practice's settings and fees. Reading them costs five queries and most of a check's time,
and they change far less often than they are read (an EHR checks every slot it offers). The
database stamps every write to them (migration 0008's triggers), so a check reads the two
stamps in one indexed query and reuses what this process read before while they are
unchanged.

Why a stale read cannot slip in: the stamps are read first and the inputs after, each in
its own statement, so whatever is loaded is at least as new as the stamps it is filed
under. A write that lands in between moves the stamp past the one filed, and the next check
loads again. Booking reads the same inputs through the same reader
(`context.read_verdict_inputs`), but in its own transaction under its row locks,
never from here.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import Engine

from payers.registry import PayerRegistry
from service.db.stamps import Stamp, StampReader
from service.db.statements import Statements
from service.ledger.context import VerdictInputs, read_verdict_inputs
from service.practice.access import CallerChanged


class VerdictInputSource:
    """Inputs by coverage: from memory while the stamps match, else from the database."""

    def __init__(self, *, engine: Engine, statements: Statements, registry: PayerRegistry,
                 size: int = 2000, on_read: Callable[[str], None] = lambda source: None) -> None:
        """`on_read` hears "memory" or "database" for each input served (metrics)."""
        self.engine, self.registry, self.size, self.on_read = engine, registry, size, on_read
        self.stamps = StampReader(statements)
        self._entries: OrderedDict[uuid.UUID, tuple[Stamp, VerdictInputs]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.loads = 0  # how often memory served, and the database

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
            config_version: int | None = None, stamp: Stamp | None = None,
            ) -> VerdictInputs | None:
        """None when the practice has no such coverage. `config_version`: the config stamp a
        caller kept in memory was verified under; CallerChanged when the stamp moved since.
        `stamp`: the coverage's stamps when the caller has just read them (with the
        coverage, in the practice): not read again."""
        if stamp is None:
            stamp = self.stamps.read(practice_id, coverage_id)
        if config_version is not None and (stamp is None or stamp[1] != config_version):
            raise CallerChanged
        if stamp is None:
            return None
        with self._lock:
            found = self._entries.get(coverage_id)
            if found is not None and found[0] == stamp:
                self._entries.move_to_end(coverage_id)
                self.hits += 1
                hit = found[1]
            else:
                self.loads += 1
                hit = None
        if hit is not None:
            self.on_read("memory")
            return hit
        self.on_read("database")
        inputs = self.load(practice_id, coverage_id)
        if inputs is not None:
            with self._lock:
                self._entries[coverage_id] = (stamp, inputs)
                self._entries.move_to_end(coverage_id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return inputs

    def load(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> VerdictInputs | None:
        """Read everything a verdict needs about the coverage, now."""
        with self.engine.connect() as conn:
            return read_verdict_inputs(conn, self.registry, practice_id=practice_id,
                                       coverage_id=coverage_id)
