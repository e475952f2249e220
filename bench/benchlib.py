"""Helpers the benchmarks share: ports, databases, readiness, CPU time, percentiles, and a
`make run`-style server (gunicorn over a temporary SQLite database seeded with the CLI)."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> None:
    """Poll `url` (on this machine) until it answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:  # noqa: S310 - local URL
                if reply.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """--database: the PostgreSQL admin URL a bench makes its own database with."""
    parser.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="an admin URL; the bench creates and drops its own database")


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create database `name`; its SQLAlchemy URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cpu_seconds(root_pid: int) -> float:
    """User+system CPU of a process and its children (gunicorn's workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": cuts[49], "p90": cuts[89], "p95": cuts[94], "p99": cuts[98],
            "max": ordered[-1], "mean": statistics.fmean(ordered)}


@dataclass(frozen=True)
class Demo:
    """What `flask seed-demo` made, and the environment every command and server here uses."""

    env: dict[str, str]
    practice_id: str
    coverage_id: str
    key: str


def flask_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `flask --app wsgi ARGS` from the repository root; its standard output."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask {args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def migrate_and_seed(work: Path, port: int, settings: dict[str, str] | None = None) -> Demo:
    """`flask db upgrade` and `flask seed-demo` on `work`/coverwatch.db, as `make seed` does.

    `settings` are added to the environment (of the commands and of the server started with
    `start_gunicorn`)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'coverwatch.db'}",
           "LOG_LEVEL": "INFO", "BIND": f"127.0.0.1:{port}", **(settings or {})}
    flask_cli(env, "db", "upgrade")
    info, key = flask_cli(env, "seed-demo").splitlines()[:2]
    # "practice <id>; payers: ...; demo coverage <id>"
    practice_id = info.split(";", 1)[0].removeprefix("practice ").strip()
    coverage_id = info.rsplit("demo coverage ", 1)[1].strip()
    return Demo(env=env, practice_id=practice_id, coverage_id=coverage_id, key=key.strip())


def start_gunicorn(work: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path]:
    """gunicorn with gunicorn.conf.py serving wsgi:app; its stdout and stderr go to a file."""
    log_path = work / "gunicorn.log"
    log = log_path.open("wb")
    # gunicorn.conf.py makes the metrics folder; the CLI above must not see it unmade.
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=log)
    log.close()  # the server holds its own copy
    return server, log_path


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it is not gone within 30 s; nothing when it already ended."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
