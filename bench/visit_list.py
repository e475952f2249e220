"""GET /v1/visits over a 50,000-visit practice on PostgreSQL: 200-row pages by cursor.

Seeds the practice of bench/verdicts.py (its own seeding: --patients patients, one coverage
each, ~50 visits per coverage), serves wsgi:app with gunicorn, and walks the list page by
page with next_cursor over one keep-alive connection, several ways: the whole list in date
order, one month of scheduled visits, one patient's visits, by verdict, and every change since
the seeding began (updated_since). Each request's latency counts the whole round trip,
including the audit row each read of 200 visits writes.

    .venv/bin/python bench/visit_list.py [--patients 1000] [--workers 2] [--threads 16]
        [--database postgresql://postgres@127.0.0.1:5432/postgres] [--keep-database]

It prints the seeded counts, then per walk: pages, rows, p50/p90/p99/max in ms, and the goal
of issue 19 with PASS or MISS: p99 <= 50 ms for a 200-row page over all walks.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchlib import (
    add_database_option,
    drop_database,
    free_port,
    fresh_database,
    percentiles,
    stop,
    wait_for,
)
from verdicts import seed, serve

GOAL_P99_MS = 50.0
PAGE = 200
DB_NAME = "coverwatch_bench_visit_list"


def walk(conn: http.client.HTTPConnection, key: str, args: dict[str, str]
         ) -> tuple[list[float], int]:
    """Every page of GET /v1/visits with these filters: each page's ms, and the rows."""
    times: list[float] = []
    rows, cursor = 0, None
    while True:
        query = {**args, "limit": str(PAGE), **({"cursor": cursor} if cursor else {})}
        started = time.perf_counter()
        conn.request("GET", "/v1/visits?" + urllib.parse.urlencode(query),
                     headers={"Authorization": f"Bearer {key}"})
        reply = conn.getresponse()
        body = reply.read()
        times.append((time.perf_counter() - started) * 1000)
        if reply.status != 200:
            raise SystemExit(f"GET /v1/visits answered {reply.status}: {body[:300]!r}")
        page = json.loads(body)
        rows += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return times, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000,
                        help="patients, one coverage each (~50 visits)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seed", type=int, default=19)
    add_database_option(parser)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="coverwatch-bench-visit-list-"))
    db_url = fresh_database(args.database, DB_NAME)
    server = None
    try:
        began = datetime.now(UTC) - timedelta(seconds=1)
        seeded = seed(db_url, args.patients, random.Random(args.seed))
        today = seeded["today"]
        port = free_port()
        env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING",
               "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
        server = serve("wsgi:app", port, args.workers, args.threads, env,
                       work / "gunicorn.log", [])
        wait_for(f"http://127.0.0.1:{port}/readyz")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        key = seeded["key"]
        patient = json.loads(_get(conn, key, "/v1/coverages?limit=1"))["items"][0]["patient_id"]
        walks = {
            "all, date order": {},
            "one month, scheduled": {"from": today.isoformat(),
                                     "to": (today + timedelta(days=30)).isoformat(),
                                     "status": "scheduled"},
            "one patient": {"patient_id": patient},
            "verdict at_risk": {"verdict": "at_risk"},
            "updated_since": {"updated_since": began.isoformat()},
        }
        walk(conn, key, {})  # warm-up: connections, caches
        figures = {name: walk(conn, key, filters) for name, filters in walks.items()}
    finally:
        if server is not None:
            stop(server)
        if not args.keep_database:
            drop_database(args.database, DB_NAME)

    print(f"practice: {len(seeded['coverage_ids']):,} coverages; gunicorn {args.workers} "
          f"workers x {args.threads} threads, PostgreSQL, {os.cpu_count()} cores shared")
    print(f"{'walk':>22} {'pages':>6} {'rows':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")
    every: list[float] = []
    for name, (times, rows) in figures.items():
        every += times
        cut = percentiles(times) if len(times) > 1 else {k: times[0] for k in
                                                          ("p50", "p90", "p99", "max")}
        print(f"{name:>22} {len(times):6d} {rows:7,d} {cut['p50']:8.2f} {cut['p90']:8.2f} "
              f"{cut['p99']:8.2f} {cut['max']:8.2f}")
    p99 = percentiles(every)["p99"]
    verdict = "PASS" if p99 <= GOAL_P99_MS else "MISS"
    print(f"\ngoal: a {PAGE}-row page p99 <= {GOAL_P99_MS:g} ms over all walks: {p99:.2f} ms "
          f"{verdict}")
    return 0 if verdict == "PASS" else 1


def _get(conn: http.client.HTTPConnection, key: str, path: str) -> bytes:
    conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
    return conn.getresponse().read()


if __name__ == "__main__":
    raise SystemExit(main())
