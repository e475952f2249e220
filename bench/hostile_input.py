"""Hostile input against a `make run`-style server: CPU of a large unauthenticated body,
/metrics after made-up methods, and the longest log line the attack produced.

    .venv/bin/python bench/hostile_input.py

Starts gunicorn with gunicorn.conf.py on a loopback port over a temporary SQLite database
(migrated and seeded with the CLI, as `make seed` does), prints its figures and stops it.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    cpu_seconds,
    free_port,
    migrate_and_seed,
    start_gunicorn,
    stop,
    wait_for,
)

BODY_BYTES = 3_000_000
ROUNDS = 10
MADE_UP_METHODS = 1000
GOAL_CPU_MS = 50.0
# Values that re-match pieces of "[redacted]" and of the access line (the scrubber attack).
REMATCHING = ["PO", "/v", "pa", "40", "re", "ed", "act", "d]", "[r", "da", "ct", "te", "[re",
              "ted]", "red", "ac"]


def attack_body(size: int) -> bytes:
    items: list[str] = []
    used = 20
    n = 0
    while used < size:
        item = json.dumps({"q": REMATCHING[n % len(REMATCHING)], "name": f"v{n}"})
        items.append(item)
        used += len(item) + 1
        n += 1
    return ('{"items": [' + ",".join(items) + "]}").encode()


def post(port: int, body: bytes, headers: dict[str, str] | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/v1/patients", body=body,
                     headers={"Content-Type": "application/json", **(headers or {})})
        return conn.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        # The server may answer and close before the whole body is sent.
        return conn.getresponse().status
    finally:
        conn.close()


def metrics(port: int, token: str | None = None) -> tuple[int, int]:
    """(/metrics size in bytes, number of series lines); `token` when METRICS_TOKEN is set."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})
    text = conn.getresponse().read().decode()
    conn.close()
    return len(text.encode()), sum(1 for line in text.splitlines()
                                   if line and not line.startswith("#"))


def method_name(n: int) -> str:
    # Letters only: gunicorn itself refuses some method shapes before the app sees them.
    return "XM" + "".join(chr(65 + (n // 26**i) % 26) for i in range(3))


def made_up_methods(port: int, count: int, offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for n in range(count):
        conn.request(method_name(offset + n), "/v1/patients")
        conn.getresponse().read()
    conn.close()


def serve(work: Path, port: int) -> tuple[subprocess.Popen[bytes], str, Path]:
    demo = migrate_and_seed(work, port)
    server, log_path = start_gunicorn(work, demo.env)
    return server, demo.key, log_path


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="coverwatch-hostile-"))
    port = free_port()
    server, key, log_path = serve(work, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/readyz")
        body = attack_body(BODY_BYTES)
        post(port, b"{}")  # warm-up: both paths imported before measuring
        statuses = []
        before = cpu_seconds(server.pid)
        for _ in range(ROUNDS):
            statuses.append(post(port, body))
        time.sleep(0.5)
        per_request_ms = (cpu_seconds(server.pid) - before) * 1000 / ROUNDS
        over = post(port, b"{" + b" " * (5 * 1024 * 1024) + b"}")
        signed = post(port, body, {"Authorization": f"Bearer {key}"})

        made_up_methods(port, 10, 0)  # the one "other" series exists from here on
        metrics(port)  # and so does the scrape's own
        size_before, series_before = metrics(port)
        made_up_methods(port, MADE_UP_METHODS, 10)
        size_after, series_after = metrics(port)

        passed = per_request_ms < GOAL_CPU_MS and set(statuses) <= {401, 413}
        print(f"unauthenticated {len(body):,}-byte JSON body: status {sorted(set(statuses))}, "
              f"server CPU {per_request_ms:.1f} ms per request (mean of {ROUNDS}; "
              f"/proc ticks are 10 ms) - goal < {GOAL_CPU_MS:.0f} ms: "
              f"{'PASS' if passed else 'MISS'}")
        print(f"5 MiB body: status {over}; same attack body with the demo key: status {signed}")
        print(f"/metrics before {MADE_UP_METHODS:,} made-up methods: {size_before:,} bytes, "
              f"{series_before} series; after: {size_after:,} bytes, {series_after} series - "
              f"{'PASS' if series_after == series_before else 'MISS'} (counter digits may "
              f"change the byte size slightly)")
    finally:
        stop(server)
    lines = log_path.read_text(errors="replace").splitlines()
    shutil.rmtree(work, ignore_errors=True)
    worst = max((len(line) for line in lines), default=0)
    print(f"worst log line: {worst:,} characters over {len(lines):,} lines "
          f"(bound 16,384 per JSON line)")


if __name__ == "__main__":
    main()
