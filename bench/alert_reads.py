"""A booking's latency alone and while 20 alert reads run, on a `make run`-style server.

    .venv/bin/python bench/alert_reads.py [--coverages 2000] [--rounds 30]

Migrates and seeds a temporary SQLite database as `make seed` does, adds synthetic
coverages (each with an authorization, visits and a finished check, so most raise alerts),
starts gunicorn with gunicorn.conf.py and measures POST /v1/visits: first alone, then each
booking sent while 20 GET /v1/alerts are in flight. The goal: within 2x of alone.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from benchlib import free_port, migrate_and_seed, start_gunicorn, stop, wait_for  # noqa: E402
from sqlalchemy import create_engine, insert  # noqa: E402

from service.db.models import (  # noqa: E402
    Authorization,
    Coverage,
    EligibilityCheck,
    Patient,
    Visit,
)

READERS = 20
GOAL = 2.0
PACE = random.Random(11)


def populate(db_path: Path, practice_id: uuid.UUID, count: int) -> None:
    """`count` synthetic clients, each with a coverage, an authorization, three visits and a
    finished check: a mix that raises every kind of derived alert."""
    now = datetime.now(UTC)
    today = now.date()
    rng = random.Random(7)
    rows: dict[type, list[dict[str, object]]] = {m: [] for m in
                                                 (Patient, Coverage, Authorization, Visit,
                                                  EligibilityCheck)}
    stamp = {"created_at": now, "updated_at": now}
    for n in range(count):
        patient, coverage, auth = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        rows[Patient].append({"id": patient, "practice_id": practice_id, "first_name": "Bench",
                              "last_name": f"Client{n:05d}", "birth_date": date(1980, 1, 1),
                              "gender": "U", **stamp})
        rows[Coverage].append({"id": coverage, "practice_id": practice_id,
                               "patient_id": patient, "payer": "sandbox",
                               "member_id": f"ZZB{n:07d}", "relationship": "self",
                               "priority": "primary", "network_status": "in", **stamp})
        rows[Authorization].append({
            "id": auth, "practice_id": practice_id, "coverage_id": coverage,
            "number": f"B-{n:05d}", "unit": "visit", "quantity": 12, "used": rng.randint(8, 12),
            "reserved": 0, "start_date": today - timedelta(days=90),
            "end_date": today + timedelta(days=rng.randint(5, 120)), "codes": "90837",
            "status": "approved", "source": "manual", **stamp})
        for k, (status, minutes) in enumerate((("scheduled", rng.choice((40, 55))),
                                               ("completed", 55), ("no_show", 55))):
            rows[Visit].append({
                "id": uuid.uuid4(), "practice_id": practice_id, "coverage_id": coverage,
                "date": today + timedelta(days=7 if status == "scheduled" else -7 * (k + 1)),
                "code": "90837", "minutes": minutes, "status": status, "units": 0,
                "effect": "release", "verdict": None, **stamp})
        rows[EligibilityCheck].append({
            "id": uuid.uuid4(), "practice_id": practice_id, "coverage_id": coverage,
            "payer": "sandbox", "service_types": "30", "provider_npi": "1234567893",
            "network_status": "in", "status": rng.choice(("active",) * 6 + ("inactive", "error")),
            "reached_payer": True, "trace_number": uuid.uuid4().hex, "control_number": 0,
            "requested_by": "bench", "started_at": now - timedelta(days=1),
            "checked_at": now - timedelta(days=1)})
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        for model, values in rows.items():
            conn.execute(insert(model), values)
    engine.dispose()


class Client:
    """One keep-alive connection with the demo key, opened again when the server has closed
    it (gunicorn closes idle ones after a few seconds)."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def reconnect(self) -> None:
        """A new connection: gunicorn hands it to whichever worker accepts it."""
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes, float]:
        payload = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=payload, headers=self.headers)
                reply = self.conn.getresponse()
                data = reply.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                if attempt == 2:
                    raise
                self.reconnect()
                continue
            return reply.status, data, (time.perf_counter() - started) * 1000
        raise AssertionError("unreachable")


def book(client: Client, coverage_id: str, n: int) -> float:
    day = (datetime.now(UTC).date() + timedelta(days=1 + n % 300)).isoformat()
    status, data, ms = client.call("POST", "/v1/visits", {
        "coverage_id": coverage_id, "date": day, "code": "90834", "minutes": 45})
    if status != 201:
        raise SystemExit(f"booking answered {status}: {data[:300]!r}")
    return ms


def burst(readers: list[Client], paths: list[str], booker: Client, coverage_id: str,
          n: int) -> tuple[float, list[float]]:
    """One booking sent while len(readers) GETs are in flight at once: (booking ms, reads)."""
    start = threading.Barrier(len(readers) + 1)
    done: list[float] = []
    failed: list[str] = []

    def read(reader: Client, path: str) -> None:
        start.wait()
        status, data, ms = reader.call("GET", path)
        if status != 200:
            failed.append(f"{path} answered {status}: {data[:300]!r}")
        done.append(ms)

    threads = [threading.Thread(target=read, args=(r, p))
               for r, p in zip(readers, paths, strict=True)]
    for t in threads:
        t.start()
    start.wait()
    time.sleep(0.002)  # the reads are on their way first
    booked = book(booker, coverage_id, n)
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(failed[0])
    return booked, done


def in_turn(reader: Client, paths: list[str], booker: Client, coverage_id: str,
            n: int) -> tuple[float, list[float]]:
    """One booking sent while one client reads len(paths) pages of alerts, one after
    another (a screen refreshing, or a read-only key polling)."""
    done: list[float] = []
    failed: list[str] = []
    started = threading.Event()
    reader.reconnect()  # a worker chosen afresh each round, as for a new visitor

    def read() -> None:
        for path in paths:
            started.set()
            status, data, ms = reader.call("GET", path)
            if status != 200:
                failed.append(f"{path} answered {status}: {data[:300]!r}")
            done.append(ms)

    thread = threading.Thread(target=read)
    thread.start()
    started.wait()
    # At a moment of the reads' run chosen at random (they take some 50 ms in all): the
    # first read after a booking derives what the booking changed, the rest are from memory.
    time.sleep(PACE.uniform(0.002, 0.04))
    booked = book(booker, coverage_id, n)
    thread.join()
    if failed:
        raise SystemExit(failed[0])
    return booked, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coverwatch-alerts-"))
    port = free_port()
    demo = migrate_and_seed(work, port)
    populate(work / "coverwatch.db", uuid.UUID(demo.practice_id), args.coverages)
    server, _ = start_gunicorn(work, demo.env)
    results: dict[str, tuple[list[float], list[float]]] = {}
    try:
        wait_for(f"http://127.0.0.1:{port}/readyz")
        booker = Client(port, demo.key)
        readers = [Client(port, demo.key) for _ in range(READERS)]
        cold = readers[0].call("GET", "/v1/alerts")  # one worker derives everything
        for reader in readers:  # and every worker has read once
            reader.call("GET", "/v1/alerts")
            reader.call("GET", "/v1/patients?page_size=50")
        body = json.loads(cold[1])
        total = body.get("total", len(body["items"]))  # earlier versions listed all at once
        pages = [f"/v1/alerts?page={1 + i % max(1, total // 50)}" if "total" in body
                 else "/v1/alerts" for i in range(READERS)]
        patients = ["/v1/patients?page_size=50"] * READERS
        for _ in range(5):  # warm-up of the booking path
            book(booker, demo.coverage_id, 0)
        n = 0
        for label, run in (
                ("alone", lambda n: (book(booker, demo.coverage_id, n), [])),
                ("20 alert reads one after another",
                 lambda n: in_turn(readers[0], pages, booker, demo.coverage_id, n)),
                ("20 alert reads at once",
                 lambda n: burst(readers, pages, booker, demo.coverage_id, n)),
                ("20 patient-list reads at once (the floor: 20 requests on 2 cores)",
                 lambda n: burst(readers, patients, booker, demo.coverage_id, n))):
            bookings, reads = [], []
            for _ in range(args.rounds):
                n += 1
                booked, done = run(n)
                bookings.append(booked)
                reads.extend(done)
            results[label] = (bookings, reads)
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    alone = statistics.median(results["alone"][0])
    print(f"{args.coverages:,} coverages, {total:,} open alerts; first read (derives all) "
          f"{cold[2]:.0f} ms; {args.rounds} bookings (POST /v1/visits) each way")
    for label, (bookings, reads) in results.items():
        median = statistics.median(bookings)
        line = f"booking {label}: median {median:.1f} ms, max {max(bookings):.1f} ms"
        if reads:
            line += (f"; reads median {statistics.median(reads):.1f} ms; ratio to alone "
                     f"{median / alone:.2f}")
        print(line)
    ratio = statistics.median(results["20 alert reads one after another"][0]) / alone
    print(f"alert reads one after another: ratio {ratio:.2f} (goal <= {GOAL:.0f}): "
          f"{'PASS' if ratio <= GOAL else 'MISS'}")
    at_once = statistics.median(results["20 alert reads at once"][0])
    floor = statistics.median(results[
        "20 patient-list reads at once (the floor: 20 requests on 2 cores)"][0])
    print(f"20 alert reads at once: ratio {at_once / alone:.2f} to alone (goal <= {GOAL:.0f}: "
          f"{'PASS' if at_once / alone <= GOAL else 'MISS'}), {at_once / floor:.2f} to 20 "
          "patient-list reads at once")


if __name__ == "__main__":
    main()
