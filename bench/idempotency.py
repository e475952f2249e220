"""What an Idempotency-Key costs a booking: POST /v1/visits with and without the header,
side by side in one run, against gunicorn on PostgreSQL.

    python bench/idempotency.py [--requests 1500] [--patients 200] [--database postgresql://...]

Seeds the demo practice (`flask seed-demo`) in a database of its own, serves the app with
gunicorn.conf.py (one worker, so both kinds share one process and one pool), adds --patients
synthetic patients with a coverage each over the API, then books visits one after another over
one keep-alive connection, spread over those coverages, in pairs on one coverage: one request
without the header and one with a new key, in turn one first and the other (after a warm-up).
Prints p50/p90/p99 of both and the goal of issue 19 with PASS or MISS: the key adds <= 1 ms
at p50.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

import benchlib

GOAL_P50_MS = 1.0
WARM_UP = 100


def book(conn: http.client.HTTPConnection, key: str, coverage_id: str, day: int,
         idempotency_key: str | None) -> float:
    """One booking; its latency in ms (the answer must be 201)."""
    body = json.dumps({"coverage_id": coverage_id, "date": f"2026-12-{1 + day % 28:02d}",
                       "code": "90834", "minutes": 45})
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    started = time.perf_counter()
    conn.request("POST", "/v1/visits", body=body, headers=headers)
    reply = conn.getresponse()
    reply.read()
    elapsed = (time.perf_counter() - started) * 1000
    if reply.status != 201:
        raise SystemExit(f"booking answered {reply.status}")
    return elapsed


def practice(conn: http.client.HTTPConnection, key: str, patients: int) -> list[str]:
    """Synthetic patients, one sandbox coverage each, made over the API; their coverage ids."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    coverages = []
    for n in range(patients):
        person = {"first_name": "Bench", "last_name": f"Patient{n:04d}",
                  "birth_date": f"19{50 + n % 50:02d}-0{1 + n % 9}-1{n % 10}", "gender": "U",
                  "external_id": f"bench-{n}"}
        conn.request("POST", "/v1/patients", body=json.dumps(person), headers=headers)
        reply = conn.getresponse()
        patient = json.loads(reply.read())
        body = {"payer": "sandbox", "member_id": f"ZZB{n:07d}", "relationship": "self"}
        conn.request("POST", f"/v1/patients/{patient['id']}/coverages", body=json.dumps(body),
                     headers=headers)
        reply = conn.getresponse()
        coverage = json.loads(reply.read())
        if reply.status != 201:
            raise SystemExit(f"a coverage answered {reply.status}: {coverage}")
        coverages.append(coverage["id"])
    return coverages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="bookings of each kind")
    parser.add_argument("--patients", type=int, default=200,
                        help="patients (one coverage each) the bookings are spread over")
    benchlib.add_database_option(parser)
    args = parser.parse_args()
    name = f"cw_bench_idem_{uuid.uuid4().hex[:8]}"
    db_url = benchlib.fresh_database(args.database, name)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = benchlib.free_port()
        demo = benchlib.migrate_and_seed(work, port, {"DATABASE_URL": db_url,
                                                       "WEB_CONCURRENCY": "1"})
        server, log = benchlib.start_gunicorn(work, demo.env)
        try:
            benchlib.wait_for(f"http://127.0.0.1:{port}/healthz")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            coverages = practice(conn, demo.key, args.patients)
            plain: list[float] = []
            keyed: list[float] = []
            for n in range(WARM_UP + args.requests):
                # Spread over the practice's coverages (a booking's cost grows with its
                # coverage's visits), and each pair in turn one way round and the other.
                coverage_id = coverages[n % len(coverages)]
                first, second = (None, uuid.uuid4().hex) if n % 2 else (uuid.uuid4().hex, None)
                a = book(conn, demo.key, coverage_id, n, first)
                b = book(conn, demo.key, coverage_id, n, second)
                if n >= WARM_UP:
                    plain.append(b if n % 2 else a)
                    keyed.append(a if n % 2 else b)
            conn.close()
        finally:
            benchlib.stop(server)
            if server.returncode not in (0, None, -15):
                print(log.read_text()[-2000:], file=sys.stderr)
        benchlib.drop_database(args.database, name)
    without, with_key = benchlib.percentiles(plain), benchlib.percentiles(keyed)
    print(f"POST /v1/visits, {args.requests} of each, PostgreSQL, 1 gunicorn worker")
    for label, figures in (("without Idempotency-Key", without),
                           ("with Idempotency-Key", with_key)):
        print(f"  {label:24} p50 {figures['p50']:6.2f} ms  p90 {figures['p90']:6.2f} ms  "
              f"p99 {figures['p99']:6.2f} ms")
    added = with_key["p50"] - without["p50"]
    print(f"goal: the key adds <= {GOAL_P50_MS:.0f} ms at p50: {added:+.2f} ms "
          f"{'PASS' if added <= GOAL_P50_MS else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
