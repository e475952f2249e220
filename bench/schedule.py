"""The schedule worklist (GET /app/schedule) over HTTP for a practice with 1,000 visits in the
next 14 days, on SQLite and on PostgreSQL.

Seeds a practice through the real app's own API (in this process, the sandbox payer
answering): --clients clients (default 300) with one coverage each — most active and
checked, some whose plan needs prior authorization (most of those with an authorization on
file, a few running out), some never checked, a few inactive — then --visits visits (default
1,000) booked over the next 14 days with POST /v1/visits, so every stored verdict is the
ledger's own. Then serves wsgi:app with gunicorn, signs a front-desk user in over HTTP and
reads the schedule page --requests times for `?range=14d` and for the default (the next 7
days), one request at a time on one keep-alive connection; each time is the whole round trip,
including the audit rows the read writes.

    .venv/bin/python bench/schedule.py [--clients 300] [--visits 1000] [--requests 50]
        [--backends sqlite,postgresql] [--workers 2] [--threads 4]
        [--database postgresql://postgres@127.0.0.1:5432/postgres] [--keep-database]

It prints, per backend: the seeded counts and the verdict mix, then per page the rows shown,
p50/p95/max in ms, and the goal of issue 22 with PASS or MISS: p95 <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from benchlib import (
    ROOT,
    add_database_option,
    drop_database,
    flask_cli,
    free_port,
    fresh_database,
    percentiles,
    stop,
    wait_for,
)
from verdicts import serve

GOAL_P95_MS = 300.0
DB_NAME = "coverwatch_bench_schedule"
PASSWORD = "bench schedule password 1"  # noqa: S105 - a throwaway bench account
PROVIDER_NPIS = ("1234567893", "1245319599", "1003000126")
FIRST = ("Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo")
# (share of clients, sandbox member id, checked, authorization on file)
MIX = ((0.62, "ZZT0000001", True, False), (0.2, "ZZT0000003", True, True),
       (0.05, "ZZT0000003", True, False), (0.08, "ZZT0000001", False, False),
       (0.05, "ZZT0000005", True, False))


def seed(db_url: str, clients: int, visits: int, rng: random.Random) -> dict[str, Any]:
    """The practice through the API of an app on `db_url`; a front-desk user's email."""
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING"}
    flask_cli(env, "db", "upgrade")
    os.environ.update({"DATABASE_URL": db_url})
    sys.path.insert(0, str(ROOT))
    from service import create_app
    from service.practice import staff
    from service.practice.practices import create_api_key, create_practice

    # Seeding asks for a check per client at once: more than the per-practice rate allows.
    app = create_app({"log_level": "WARNING", "check_rate_per_minute": 100_000.0})
    wiring = app.extensions["coverwatch"]
    practice_id = create_practice(uow=wiring.uow(), clock=wiring.clock, name="Bench Practice",
                                  npi=PROVIDER_NPIS[1])
    key = create_api_key(uow=wiring.uow(), clock=wiring.clock, practice_id=practice_id,
                         scopes=frozenset({"read", "write"}))
    user = staff.create_user(uow=wiring.uow(), clock=wiring.clock, practice_id=practice_id,
                             email="desk@bench.example", role="front_desk", password=PASSWORD)
    api, headers = app.test_client(), {"Authorization": f"Bearer {key}"}

    def call(path: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = api.post(path, headers=headers, json=body)
        if reply.status_code not in (200, 201):
            raise SystemExit(f"POST {path} answered {reply.status_code}: {reply.text[:300]}")
        return dict(reply.json)

    today = datetime.now(UTC).date()
    coverage_ids = []
    for n in range(clients):
        _, member_id, checked, with_auth = _pick(rng)
        patient = call("/v1/patients", {
            "first_name": rng.choice(FIRST), "last_name": f"Bench{n:05d}",
            "birth_date": f"{1950 + n % 55}-{1 + n % 12:02d}-{1 + n % 28:02d}", "gender": "U"})
        coverage = call(f"/v1/patients/{patient['id']}/coverages", {
            "payer": "sandbox", "member_id": member_id, "relationship": "self"})
        if checked:
            call("/v1/eligibility-checks", {"coverage_id": coverage["id"]})
        if with_auth:
            call("/v1/authorizations", {
                "coverage_id": coverage["id"], "number": f"AUTH-{n:05d}",
                "quantity": rng.choice((3, 6, 12)),
                "start_date": (today - timedelta(days=30)).isoformat(),
                "end_date": (today + timedelta(days=rng.choice((10, 60, 120)))).isoformat(),
                "codes": ["90837", "90834"]})
        coverage_ids.append(coverage["id"])
    verdicts: Counter[str] = Counter()
    for n in range(visits):
        code, minutes = rng.choice((("90837", 55), ("90834", 45), ("90791", 60)))
        booked = call("/v1/visits", {
            "coverage_id": coverage_ids[n % len(coverage_ids)],
            "date": (today + timedelta(days=rng.randint(0, 13))).isoformat(),
            "code": code, "minutes": minutes, "provider_npi": rng.choice(PROVIDER_NPIS),
            "external_id": f"BENCH-{n:06d}"})
        verdicts[booked["verdict"]["status"]] += 1
    wiring.dispose()
    return {"email": user.email, "clients": clients, "visits": visits, "verdicts": verdicts}


def _pick(rng: random.Random) -> tuple[float, str, bool, bool]:
    roll, total = rng.random(), 0.0
    for row in MIX:
        total += row[0]
        if roll < total:
            return row
    return MIX[0]


def sign_in(base: str, email: str) -> requests.Session:
    """A browser's session: the sign-in form's CSRF token, then the form posted."""
    browser = requests.Session()
    form = browser.get(f"{base}/app/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no CSRF token on the sign-in page")
    signed = browser.post(f"{base}/app/login", timeout=30, allow_redirects=False, data={
        "email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    if signed.status_code != 302 or not signed.headers["Location"].endswith("/app/schedule"):
        raise SystemExit(f"sign-in answered {signed.status_code}")
    return browser


def measure(browser: requests.Session, url: str, count: int) -> tuple[list[float], int]:
    """`count` reads of the page, one after the other: each one's ms, and the rows shown."""
    times, rows = [], 0
    for _ in range(count):
        started = time.perf_counter()
        reply = browser.get(url, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        if reply.status_code != 200:
            raise SystemExit(f"GET {url} answered {reply.status_code}")
        rows = reply.text.count("<tr data-verdict=")
    return times, rows


def run_backend(name: str, db_url: str, args: argparse.Namespace,
                work: Path) -> dict[str, Any]:
    seeded = seed(db_url, args.clients, args.visits, random.Random(args.seed))
    port = free_port()
    # Plain http on this machine's loopback: the session cookie must not be Secure-only.
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING",
           "SESSION_COOKIE_SECURE": "false",
           "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{name}")}
    server = serve("wsgi:app", port, args.workers, args.threads, env,
                   work / f"gunicorn-{name}.log", [])
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/readyz", seconds=120)  # workers boot slowly on a busy machine
        browser = sign_in(base, seeded["email"])
        pages = {"?range=14d": f"{base}/app/schedule?range=14d",
                 "default (7 days)": f"{base}/app/schedule"}
        for url in pages.values():
            measure(browser, url, 3)  # warm-up: connections, templates
        seeded["pages"] = {label: measure(browser, url, args.requests)
                           for label, url in pages.items()}
    finally:
        stop(server)
    return seeded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--visits", type=int, default=1000,
                        help="visits booked over the next 14 days")
    parser.add_argument("--requests", type=int, default=50, help="reads of each page")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=22)
    add_database_option(parser)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="coverwatch-bench-schedule-"))
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            results[backend] = run_backend(backend, f"sqlite:///{work / 'schedule.db'}",
                                           args, work)
        else:
            try:
                results[backend] = run_backend(
                    backend, fresh_database(args.database, DB_NAME), args, work)
            finally:
                if not args.keep_database:
                    drop_database(args.database, DB_NAME)

    every_pass = True
    print(f"gunicorn {args.workers} workers x {args.threads} threads, {os.cpu_count()} cores "
          f"shared; {args.requests} reads of each page, one at a time")
    for backend, seeded in results.items():
        mix = ", ".join(f"{seeded['verdicts'][s]} {s}"
                        for s in ("covered", "at_risk", "not_covered"))
        print(f"\n{backend}: {seeded['clients']} clients, {seeded['visits']:,} visits in the "
              f"next 14 days ({mix})")
        print(f"{'page':>18} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal")
        for label, (times, rows) in seeded["pages"].items():
            cut = _cuts(times)
            verdict = "PASS" if cut["p95"] <= GOAL_P95_MS else "MISS"
            every_pass = every_pass and verdict == "PASS"
            print(f"{label:>18} {rows:6d} {cut['p50']:8.1f} {cut['p95']:8.1f} "
                  f"{cut['max']:8.1f}  p95 <= {GOAL_P95_MS:g} ms {verdict}")
    return 0 if every_pass else 1


def _cuts(times: list[float]) -> dict[str, float]:
    return percentiles(times) if len(times) > 1 else {k: times[0] for k in ("p50", "p95", "max")}


if __name__ == "__main__":
    raise SystemExit(main())
