"""What an Idempotency-Key costs a booking: POST /v1/visits with and without the header,
side by side in one run, against gunicorn on PostgreSQL.

    python bench/idempotency.py [--requests 1500] [--database postgresql://...]

Seeds the demo practice (`flask seed-demo`) in a database of its own, serves the app with
gunicorn.conf.py (one worker, so both kinds share one process and one pool), then books visits
one after another over one keep-alive connection, alternating a request without the header
and one with a new key, after a warm-up of each. Prints p50/p90/p99 of both and the goal of
issue 19 with PASS or MISS: the key adds <= 1 ms at p50.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="bookings of each kind")
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
            plain: list[float] = []
            keyed: list[float] = []
            for n in range(WARM_UP + args.requests):
                a = book(conn, demo.key, demo.coverage_id, n, None)
                b = book(conn, demo.key, demo.coverage_id, n, uuid.uuid4().hex)
                if n >= WARM_UP:
                    plain.append(a)
                    keyed.append(b)
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
    print(f"goal: the key adds <= {GOAL_P50_MS:.0f} ms at p50: +{added:.2f} ms "
          f"{'PASS' if added <= GOAL_P50_MS else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
