"""The in-process engine: per payer as many threads as its cap, fed from the run's items."""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable

from service.db.check_port import ItemRecord
from service.db.models import ReverificationItem
from service.reverify import runs
from service.reverify.items import Deps, Outcome, process

log = logging.getLogger("coverwatch.reverify")
MAX_THREADS_PER_PAYER = 64


def threads_for(cap: int) -> int:
    """Threads per payer: more than its cap, so that while `cap` checks wait on the payer
    others are being started or recorded (the cap itself is kept at the payer call)."""
    return max(1, min(MAX_THREADS_PER_PAYER, cap + max(2, cap // 2)))
IDLE_POLL_S = 1.0  # how often a payer with only retries in flight looks again


class _Feed:
    """The next item ids of one payer: recovered ones first, then pending ones in id
    order (a keyset, so 100,000 items are never loaded at once), then retries that are due."""

    def __init__(self, deps: Deps, run_id: uuid.UUID, payer: str, batch: int = 200) -> None:
        self.deps, self.run_id, self.payer, self.batch = deps, run_id, payer, batch
        self._ids: deque[int] = deque()
        self._rows: dict[int, ReverificationItem] = {}  # as read by the last refill
        self._after = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        with deps.uow() as work:
            # Left "running" by a process that died: looked at before anything is sent.
            self.stale = work.runs.left_running(run_id, payer)
        self._ids.extend(sorted(self.stale))

    def next(self) -> int | float | None:
        """An item id; or seconds to wait (retries not due yet, or still in flight); or None
        when this payer has nothing left."""
        with self._lock:
            if not self._ids:
                self._refill()
            if self._ids:
                return self._ids.popleft()
            return self._wait()

    def take_stale(self, item_id: int) -> bool:
        """Whether the item was left running by a dead process (asked once per item: once
        recovered it may come back as an ordinary retry)."""
        with self._lock:
            if item_id in self.stale:
                self.stale.discard(item_id)
                return True
            return False

    def wait(self, seconds: float) -> None:
        """Sleep until an item of this payer finishes (it may turn into a retry) or `seconds`."""
        with self._changed:
            self._changed.wait(seconds)

    def finished_one(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _refill(self) -> None:
        now = self.deps.clock()
        with self.deps.uow() as work:
            rows = work.runs.pending(self.run_id, self.payer, after=self._after,
                                     limit=self.batch)
            if rows:
                self._after = rows[-1].id
            else:
                rows = work.runs.due_retries(self.run_id, self.payer, now=now,
                                             limit=self.batch)
        self._rows = {row.id: row for row in rows}
        self._ids.extend(self._rows)

    def row(self, item_id: int) -> ReverificationItem | None:
        with self._lock:
            return self._rows.pop(item_id, None)

    def _wait(self) -> float | None:
        now = self.deps.clock()
        with self.deps.uow() as work:
            count, earliest = work.runs.waiting(self.run_id, self.payer)
        if not count:
            return None
        if earliest is None:
            return IDLE_POLL_S
        return min(IDLE_POLL_S, max(0.01, (earliest - now).total_seconds()))


class Runner:
    """Works one run to its end (or until `stop` is set) in this process."""

    def __init__(self, deps: Deps, run_id: uuid.UUID, *,
                 on_item: Callable[[Outcome], None] | None = None,
                 stop: threading.Event | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.deps, self.run_id = deps, run_id
        self.on_item = on_item or (lambda outcome: None)
        self.stop = stop or threading.Event()
        self.sleep = sleep
        self._progress_lock = threading.Lock()

    def run(self) -> str:
        """Claim the run, work every payer's items, and return the run's final status."""
        runs.claim(self.deps.uow, self.deps.clock, self.run_id, self.deps.worker)
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(done,), daemon=True)
        beat.start()
        try:
            threads = [threading.Thread(target=self._work, args=(feed,), daemon=True,
                                        name=f"reverify-{feed.payer}-{n}")
                       for feed, count in self._feeds() for n in range(count)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            done.set()
            beat.join()
        return runs.finish(self.deps.uow, self.deps.clock, self.run_id,
                           owner=self.deps.worker, stopped=self.stop.is_set())

    def _feeds(self) -> list[tuple[_Feed, int]]:
        with self.deps.uow() as work:
            payers = work.runs.payers_left(self.run_id)
        feeds = []
        for payer in sorted(payers):
            known = payer in self.deps.registry.ids()
            cap = self.deps.registry.entry(payer).max_concurrency if known else 1
            feeds.append((_Feed(self.deps, self.run_id, payer), threads_for(cap)))
        return feeds

    def _work(self, feed: _Feed) -> None:
        while not self.stop.is_set():
            step = feed.next()
            if step is None:
                return
            if isinstance(step, float):
                (self.sleep or feed.wait)(step)
                continue
            outcome = self._one(step, recovering=feed.take_stale(step), known=feed.row(step))
            feed.finished_one()
            if outcome is not None:
                with self._progress_lock:
                    self.on_item(outcome)

    def _one(self, item_id: int, *, recovering: bool,
             known: ReverificationItem | None) -> Outcome | None:
        try:
            return process(self.deps, item_id, recovering=recovering, known=known)
        except Exception:
            # A fault of ours, not the payer's: the item ends as an error, the run goes on.
            log.exception("reverify item %s failed unexpectedly", item_id)
            self.deps.store.record_item(ItemRecord(item_id=item_id, values={
                "state": "done", "outcome": "error", "error_code": "CHECK_FAILED",
                "claimed_by": None, "lease_until": None, "finished_at": self.deps.clock()}))
            return Outcome(item_id, "done", "error")

    def _heartbeat(self, done: threading.Event) -> None:
        while not done.wait(runs.HEARTBEAT.total_seconds()):
            try:
                runs.heartbeat(self.deps.uow, self.deps.clock, self.run_id, self.deps.worker)
            except Exception:
                log.exception("reverify heartbeat failed")
