"""The server's webhook runner: a thread that finds endpoints with deliveries due and hands
each to a worker of its own (a thread here, or a Dramatiq worker when REDIS_URL is set)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from service.webhooks.deliver import Deliverer

log = logging.getLogger("coverwatch.webhooks")
POLL_S = 0.2


class Runner:
    """Every `poll_s`, claims each due endpoint and sends it to `dispatch` (a Dramatiq
    message), or else to one of `threads` threads. An endpoint is worked by one thread at a
    time and each thread works one endpoint, so a slow receiver holds only its own thread."""

    def __init__(self, deliverer: Deliverer, *, threads: int = 8, poll_s: float = POLL_S,
                 dispatch: Callable[[uuid.UUID, str], None] | None = None) -> None:
        self.deliverer = deliverer
        self.poll_s = poll_s
        self.dispatch = dispatch
        self.threads = threads
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhooks")
        self.busy: set[uuid.UUID] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> int:
        """Hand out the endpoints due now; how many were handed out."""
        handed = 0
        with self._lock:
            free = self.threads - len(self.busy)
        if free <= 0 and self.dispatch is None:
            return 0
        for endpoint_id in self.deliverer.due_endpoints():
            with self._lock:
                if endpoint_id in self.busy:
                    continue
            if not self.deliverer.claim(endpoint_id):
                continue  # another process holds it
            handed += 1
            if self.dispatch is not None:
                self.dispatch(endpoint_id, self.deliverer.holder)
                continue
            with self._lock:
                self.busy.add(endpoint_id)
            self.pool.submit(self._work, endpoint_id)
        return handed

    def _work(self, endpoint_id: uuid.UUID) -> None:
        try:
            self.deliverer.deliver(endpoint_id)
        except Exception:
            log.exception("webhook deliveries of endpoint %s failed unexpectedly", endpoint_id)
        finally:
            with self._lock:
                self.busy.discard(endpoint_id)

    def start(self) -> None:
        if not self.deliverer.sealer.sealing:
            log.warning("WEBHOOKS_SECRET_KEY is not set: webhook signing secrets are stored "
                        "unsealed")
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="webhook-runner",
                                            daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.tick()
            except Exception:
                log.exception("webhook runner: looking for due deliveries failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.pool.shutdown(wait=True)
