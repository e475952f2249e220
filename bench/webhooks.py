"""Webhooks: the delay from a change's commit to its delivery, and recovery after an outage.

    .venv/bin/python bench/webhooks.py [--events 10000] [--rate 200] [--outage 600]
                                       [--delay-events N] [--database-url URL]

Runs the service in this process on a temporary SQLite database (or --database-url, a
PostgreSQL database it migrates), with the server's webhook runner started as gunicorn's
workers start it, and a local receiver (the standard library's HTTP server) subscribed to
`authorization.updated`. Events are real changes: authorizations amended through the API,
--rate a second, spread over 100 authorizations (resources).

1. Delay: --events changes (or --delay-events, to measure the outage alone); for each, the
   time from the API's answer (the commit) to the receiver reading the delivery. Prints p50,
   p99 and the maximum; the goal is p99 <= 2 s.
2. Outage: the receiver goes down (connections refused), --events more changes are made,
   the receiver stays down --outage seconds (600 by default: 10 minutes; shorten it while
   developing) and comes back. Deliveries then wait for their scheduled retry (5 s, 5 min,
   30 min ...): the bench moves the service's clock to the earliest retry due, prints how
   long that was in the schedule, and then the wall time until every event has arrived,
   checking none is missing or out of order for its authorization.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402
from service.db import migrate  # noqa: E402
from service.practice import practices  # noqa: E402

RESOURCES, COVERAGES = 100, 25
PERSON = {"first_name": "Avery", "last_name": "Quill", "birth_date": "1990-04-12",
          "gender": "F"}


class ShiftedClock:
    """Real time plus an offset the bench moves (to reach a scheduled retry)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Receiver:
    """Records when each (authorization, quantity) arrived; can be taken down and back."""

    def __init__(self) -> None:
        self.arrived: dict[tuple[str, int], float] = {}
        self.order: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                at = time.monotonic()
                data = json.loads(body)["data"]
                key = (data["authorization_id"], data["quantity"])
                with receiver.lock:
                    if key not in receiver.arrived:
                        receiver.arrived[key] = at
                        receiver.order.setdefault(key[0], []).append(key[1])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def up(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


def setup(client, key: str) -> list[str]:
    """COVERAGES patients, each with a coverage and RESOURCES / COVERAGES authorizations
    (an amendment locks and re-counts its coverage's authorizations: a few each)."""
    auth = {"Authorization": f"Bearer {key}"}
    ids = []
    for c in range(COVERAGES):
        patient = client.post("/v1/patients", headers=auth,
                              json={**PERSON, "external_id": f"bench-{c}"}).json
        coverage = client.post(f"/v1/patients/{patient['id']}/coverages", headers=auth, json={
            "payer": "sandbox", "member_id": f"ZZT{c:07d}", "relationship": "self"}).json
        for n in range(RESOURCES // COVERAGES):
            made = client.post("/v1/authorizations", headers=auth, json={
                "coverage_id": coverage["id"], "number": f"B{n}", "quantity": 1000,
                "start_date": "2026-01-01", "end_date": "2027-12-31", "codes": ["90837"]})
            ids.append(made.json["id"])
    return ids


def produce(client, key: str, auths: list[str], counter: dict[str, int], count: int,
            rate: float) -> dict[tuple[str, int], float]:
    """`count` amendments at `rate` a second; when each one's answer came (its commit)."""
    committed: dict[tuple[str, int], float] = {}
    auth = {"Authorization": f"Bearer {key}"}
    started = time.monotonic()
    for n in range(count):
        pause = started + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        auth_id = auths[n % len(auths)]
        counter[auth_id] += 1
        answer = client.patch(f"/v1/authorizations/{auth_id}", headers=auth,
                              json={"quantity": counter[auth_id]})
        if answer.status_code != 200:
            raise SystemExit(f"amendment refused: {answer.status_code} {answer.json}")
        committed[(auth_id, counter[auth_id])] = time.monotonic()
    took = time.monotonic() - started
    print(f"  {count} changes committed in {took:.1f} s ({count / took:.0f}/s)")
    return committed


def wait_all(receiver: Receiver, keys: set[tuple[str, int]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with receiver.lock:
            if keys <= receiver.arrived.keys():
                return True
        time.sleep(0.05)
    return False


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000)[int(share * 1000) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--delay-events", type=int,
                        help="events of the delay phase (default: --events); the outage "
                             "phase always makes --events")
    parser.add_argument("--rate", type=float, default=200.0, help="changes a second")
    parser.add_argument("--outage", type=float, default=600.0,
                        help="seconds the receiver stays down (600: 10 minutes)")
    parser.add_argument("--database-url", help="default: a temporary SQLite database")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="cw-bench-webhooks-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    migrate.upgrade(url)
    clock = ShiftedClock()
    app = create_app({"database_url": url, "log_level": "WARNING",
                      "webhooks_allow_private": True, "check_rate_per_minute": 10_000.0},
                     clock=clock)
    wiring = app.extensions["coverwatch"]
    client = app.test_client()
    practice_id = practices.create_practice(uow=wiring.uow(), clock=clock,
                                            name="Bench Counseling", npi="1234567893")
    key = practices.create_api_key(uow=wiring.uow(), clock=clock, practice_id=practice_id,
                                   scopes=frozenset({"read", "write", "admin"}))
    receiver = Receiver()
    receiver.up()
    made = client.post("/v1/webhook-endpoints", headers={"Authorization": f"Bearer {key}"},
                       json={"url": f"http://127.0.0.1:{receiver.port}/hook",
                             "events": ["authorization.updated"]})
    assert made.status_code == 201, made.json
    auths = setup(client, key)
    counter = dict.fromkeys(auths, 1000)
    runner = wiring.start_webhooks()
    wait_all(receiver, {(a, 1000) for a in auths}, 30)  # the creations, before measuring

    delay_events = args.events if args.delay_events is None else args.delay_events
    print(f"database: {url.split(':')[0]}, {delay_events} events at {args.rate:g}/s over "
          f"{RESOURCES} authorizations, {wiring.config.webhook_threads} delivery threads")
    committed = produce(client, key, auths, counter, delay_events, args.rate)
    if not wait_all(receiver, set(committed), 120):
        raise SystemExit("not every event arrived within 2 minutes")
    delays = [receiver.arrived[k] - at for k, at in committed.items()]
    print(f"commit -> delivery: p50 {statistics.median(delays) * 1000:.0f} ms, "
          f"p99 {percentile(delays, 0.99) * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms "
          f"(goal: p99 <= 2000 ms)")

    receiver.down()
    down_at = time.monotonic()
    during = produce(client, key, auths, counter, args.events, args.rate)
    rest = args.outage - (time.monotonic() - down_at)
    if rest > 0:
        time.sleep(rest)
    receiver.up()
    print(f"outage: {args.events} events made while the receiver was down "
          f"{time.monotonic() - down_at:.0f} s")
    with wiring.uow() as work:
        due = work.webhooks.earliest_pending(clock())
    waited = max(timedelta(), due - clock()) if due is not None else timedelta()
    clock.offset += waited
    back = time.monotonic()
    if not wait_all(receiver, set(during), 600):
        missing = len(set(during) - receiver.arrived.keys())
        raise SystemExit(f"{missing} events missing 10 minutes after the retry was due")
    in_order = all(received == sorted(received) for received in receiver.order.values())
    print(f"after the receiver came back: next retry due in {waited.total_seconds():.0f} s "
          f"of the schedule; then all {len(during)} delivered in "
          f"{time.monotonic() - back:.1f} s, none missing, in order per authorization: "
          f"{in_order}")
    runner.stop()
    wiring.dispose()


if __name__ == "__main__":
    main()
