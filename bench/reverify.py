"""Nightly re-verification at scale: wall time against the ideal, memory, two queue workers.

    .venv/bin/python bench/reverify.py [--coverages 10000] [--latency-ms 200] [--cap 20]
        [--memory-coverages 100000] [--memory-latency-ms 5] [--queue-cap 40]
        [--skip-inline] [--skip-memory] [--skip-queue] [--cold-workers]

Each part seeds its own PostgreSQL database (dropped and made again; --database names an
admin URL), starts the simulated payer (`python -m payers.adapters.sandbox serve`) in its own
process and runs the real command line: `flask reverify --all --json` in process, then
`flask reverify --enqueue` with one and then two `flask worker` processes on Redis
(REDIS_URL, default redis://127.0.0.1:6379/0), already running and waiting as deployed
(--cold-workers starts them after the run is queued instead, counting their start-up).
It prints:

1. wall time of 10,000 checks at 200 ms latency under a cap of 20, against the ideal
   (10,000 x 0.2 s / 20 = 100 s) — goal: at most 1.1x;
2. peak RSS of the reverify process at 10,000 and at 100,000 coverages — goal: within 20%;
3. queue mode at a cap of 40: one worker's time and two workers' — goal: two take at most
   0.55x of one.
The payer's own peak concurrency is printed beside each figure: the cap must hold.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (  # noqa: E402
    add_database_option,
    cpu_seconds,
    free_port,
    fresh_database,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
GOAL_WALL, GOAL_RSS, GOAL_QUEUE = 1.1, 0.20, 0.55
NAMES = (("Quillon", "Zephyrwood"), ("Marvella", "Thistlecombe"), ("Orrin", "Blackquay"))


class Payer:
    """The simulated payer in its own process, with its concurrency counters."""

    def __init__(self, latency_ms: int) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "payers.adapters.sandbox", "serve", "--port", str(self.port),
             "--latency-ms", str(latency_ms)], cwd=ROOT, stderr=subprocess.DEVNULL)
        wait_for(f"http://127.0.0.1:{self.port}/stats")

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats") as reply:  # noqa: S310
            return dict(json.load(reply))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def directory(work: Path, port: int, cap: int) -> Path:
    path = work / f"payers-{cap}.yaml"
    path.write_text(
        "payers:\n"
        f"  - {{id: bench, name: Bench Plan, payer_id: BENCH01, adapter: core-soap,\n"
        f"     url: 'http://127.0.0.1:{port}/core', username: bench, password: bench,\n"
        f"     timeout_s: 20, max_concurrency: {cap}}}\n")
    return path


def seed(admin_url: str, name: str, env: dict[str, str], count: int) -> str:
    """A migrated database with `count` synthetic coverages, each with a visit in 3 days."""
    db_url = fresh_database(admin_url, name)
    subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                   env={**env, "DATABASE_URL": db_url}, capture_output=True)
    plain = db_url.replace("postgresql+psycopg://", "postgresql://")
    now = datetime.now(UTC)
    visit_day = now.date() + timedelta(days=3)
    practice = uuid.uuid4()
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO practices (id, name, npi, created_at) VALUES (%s, %s, %s, %s)",
                    (practice, "Bench Counseling", "1234567893", now))
        for start in range(0, count, 5000):
            rows = range(start, min(count, start + 5000))
            patients = [(uuid.uuid4(), n) for n in rows]
            coverages = [(uuid.uuid4(), pid) for pid, _ in patients]
            cur.executemany(
                "INSERT INTO patients (id, practice_id, first_name, last_name, birth_date, "
                "gender, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, 'U', %s, %s)",
                [(pid, practice, *NAMES[n % 3], date(1980, 1, 1) + timedelta(days=n % 9000),
                  now, now) for pid, n in patients])
            cur.executemany(
                "INSERT INTO coverages (id, practice_id, patient_id, payer, member_id, "
                "relationship, priority, network_status, created_at, updated_at) "
                "VALUES (%s, %s, %s, 'bench', 'ZZT0000001', 'self', 'primary', 'in', %s, %s)",
                [(cid, practice, pid, now, now) for cid, pid in coverages])
            cur.executemany(
                "INSERT INTO visits (id, practice_id, coverage_id, date, code, minutes, "
                "status, units, effect, created_at, updated_at) VALUES "
                "(%s, %s, %s, %s, '90837', 55, 'scheduled', 0, 'reserve', %s, %s)",
                [(uuid.uuid4(), practice, cid, visit_day, now, now) for cid, _ in coverages])
        conn.commit()
    return db_url


def inline_run(env: dict[str, str]) -> tuple[float, float, float, dict[str, object]]:
    """(wall seconds, peak RSS MiB, CPU seconds, JSON report) of `flask reverify --all
    --json`."""
    started = time.perf_counter()
    process = subprocess.Popen([BIN / "flask", "--app", "wsgi", "reverify", "--all", "--json"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    assert process.stdout is not None  # noqa: S101
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"reverify exited {process.returncode}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, json.loads(out)


def queue_run(env: dict[str, str], workers: int, threads: int, *,
              cold: bool = False) -> float:
    """Seconds from `reverify --enqueue` to the run's finish with `workers` workers.

    Workers are started first and waited for (as deployed: long-running workers, a nightly
    `--enqueue`), so a worker's own start-up is not counted; `cold` starts them only once
    the run is queued, counting their start-up too."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    prefix = f"bench-{uuid.uuid4().hex[:8]}"  # a queue of this run's own
    env = {**env, "REDIS_PREFIX": prefix}
    started = time.perf_counter()
    running: list[subprocess.Popen[bytes]] = []
    if not cold:
        running = start_workers(env, workers, threads, prefix)
        started = time.perf_counter()
    queued = subprocess.run([*flask, "reverify", "--all", "--older-than-hours", "0",
                             "--enqueue", "--json"], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True)
    run_id = json.loads(queued.stdout)["run_id"]
    if cold:
        running = start_workers(env, workers, threads, prefix=None)
    plain = env["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, autocommit=True) as conn:
            while True:
                row = conn.execute("SELECT status FROM reverification_runs WHERE id = %s",
                                   (run_id,)).fetchone()
                if row and row[0] == "finished":
                    return time.perf_counter() - started
                if any(w.poll() is not None for w in running):
                    raise SystemExit("a worker died")
                time.sleep(0.1)
    finally:
        for worker in running:
            worker.send_signal(signal.SIGTERM)
        for worker in running:
            worker.wait(timeout=60)


def start_workers(env: dict[str, str], workers: int, threads: int,
                  prefix: str | None) -> list[subprocess.Popen[bytes]]:
    """`workers` worker processes; with `prefix`, returns once each is taking messages
    (its broker's heartbeat is in Redis)."""
    since_ms = time.time() * 1000
    running = [subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "worker", "--threads",
                                 str(threads)], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
               for _ in range(workers)]
    if prefix is None:
        return running
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        deadline = time.monotonic() + 120
        while client.zcount(f"{prefix}:queue:__heartbeats__", since_ms, "+inf") < workers:
            if time.monotonic() > deadline or any(w.poll() is not None for w in running):
                for worker in running:
                    worker.kill()
                raise SystemExit("the workers did not start")
            time.sleep(0.05)
    finally:
        client.close()
    return running


@contextmanager
def seeded(args: argparse.Namespace, base: dict[str, str], work: Path, *, latency_ms: int,
           cap: int, coverages: int, **settings: str) -> Iterator[tuple[dict[str, str], Payer]]:
    """One part's simulated payer and freshly seeded database, and the environment naming
    them (with `settings` added); the payer stops when the part ends."""
    payer = Payer(latency_ms)
    try:
        env = {**base, "COVERWATCH_PAYERS": str(directory(work, payer.port, cap)), **settings}
        env["DATABASE_URL"] = seed(args.database, "coverwatch_bench_reverify", env, coverages)
        yield env, payer
    finally:
        payer.stop()


def inline_part(args: argparse.Namespace, base: dict[str, str], work: Path) -> float:
    """The wall-time part; returns the run's peak RSS (the memory part's baseline)."""
    with seeded(args, base, work, latency_ms=args.latency_ms, cap=args.cap,
                coverages=args.coverages) as (env, payer):
        wall, rss, cpu, report = inline_run(env)
        peak = payer.stats()["peak_concurrency"]
        payer_cpu = cpu_seconds(payer.process.pid)
    ideal = max(args.coverages * args.latency_ms / 1000 / args.cap, 1e-9)
    print(f"in process: {report['checked']} of {args.coverages} coverages checked "
          f"({report['active']} active) at {args.latency_ms} ms latency, cap {args.cap} "
          f"(payer saw at most {peak} at once)")
    print(f"  wall {wall:.1f} s, ideal {ideal:.1f} s, ratio {wall / ideal:.3f} "
          f"(goal <= {GOAL_WALL}) {'PASS' if wall / ideal <= GOAL_WALL else 'MISS'}")
    print(f"  throughput {args.coverages / wall:.1f} checks/s, peak RSS {rss:.1f} MiB; "
          f"CPU per check: reverify {cpu / args.coverages * 1000:.2f} ms, simulated payer "
          f"{payer_cpu / args.coverages * 1000:.2f} ms (2 cores, shared with PostgreSQL)")
    return rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverages", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--cap", type=int, default=20)
    parser.add_argument("--memory-coverages", type=int, default=100_000)
    parser.add_argument("--memory-latency-ms", type=int, default=5)
    parser.add_argument("--queue-cap", type=int, default=40)
    parser.add_argument("--worker-threads", type=int, default=20,
                        help="threads of each `flask worker` (its default)")
    parser.add_argument("--cold-workers", action="store_true",
                        help="start the queue workers after the run is queued, counting "
                             "their start-up (by default they are running and waiting)")
    parser.add_argument("--skip-inline", action="store_true",
                        help="leave out the in-process wall-time part (and so the memory part)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    add_database_option(parser)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coverwatch-bench-reverify-"))
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_PREFIX")}
    base["LOG_LEVEL"] = "WARNING"

    if not args.skip_inline:
        rss_small = inline_part(args, base, work)
    if not args.skip_inline and not args.skip_memory:
        with seeded(args, base, work, latency_ms=args.memory_latency_ms, cap=args.cap,
                    coverages=args.memory_coverages) as (env, _payer):
            wall_big, rss_big, _, report = inline_run(env)
        growth = rss_big / rss_small - 1
        print(f"memory: {report['checked']} coverages at {args.memory_latency_ms} ms in "
              f"{wall_big:.1f} s, peak RSS {rss_big:.1f} MiB vs {rss_small:.1f} MiB at "
              f"{args.coverages}: {growth:+.1%} (goal within {GOAL_RSS:.0%}) "
              f"{'PASS' if abs(growth) <= GOAL_RSS else 'MISS'}")

    if not args.skip_queue:
        with seeded(args, base, work, latency_ms=args.latency_ms, cap=args.queue_cap,
                    coverages=args.coverages, REDIS_URL=args.redis) as (env, payer):
            one = queue_run(env, workers=1, threads=args.worker_threads,
                            cold=args.cold_workers)
            peak_one = payer.stats()["peak_concurrency"]
            two = queue_run(env, workers=2, threads=args.worker_threads,
                            cold=args.cold_workers)
            peak_two = payer.stats()["peak_concurrency"]
        ideal = args.coverages * args.latency_ms / 1000 / args.queue_cap
        print(f"queue mode: {args.coverages} coverages at cap {args.queue_cap}, workers of "
              f"{args.worker_threads} threads (ideal "
              f"{ideal:.1f} s): one worker {one:.1f} s (payer peak {peak_one}), two workers "
              f"{two:.1f} s (payer peak {peak_two}): ratio {two / one:.3f} "
              f"(goal <= {GOAL_QUEUE}) {'PASS' if two / one <= GOAL_QUEUE else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
