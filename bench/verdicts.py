"""Verdicts under load: POST /v1/visits/check on a realistic practice, next to a bare endpoint.

Runs the real stack on this machine: gunicorn serving wsgi:app on PostgreSQL, loaded with a
practice of --patients patients (default 1,000), one coverage each, 3 authorizations per
coverage (3,000) and ~50 visits per coverage over the plan year (~50,000), plus one answered
eligibility check per coverage copied from a real sandbox check (member ZZT0000003: the
payer says therapy needs prior authorization). A second process drives the endpoint with
random visit checks (next five weeks, the coverage's own codes); in the same run the same
client drives a bare Flask JSON endpoint (bench/bare_app.py) served by gunicorn with the same
workers and threads.

    .venv/bin/python bench/verdicts.py [--patients 1000] [--workers 2] [--threads 16]
        [--connections 16] [--seconds 10] [--rounds 3] [--rate 300] [--open-seconds 20]
        [--database postgresql://postgres@127.0.0.1:5432/postgres] [--keep-database]

It needs the PostgreSQL server of the development machine (it creates and drops its own
`coverwatch_bench_verdicts` database through the admin URL given) and takes one and a half
to two minutes at the default sizes (seeding about 15 s; an open-loop phase lasts longer when
the server cannot keep the rate, at most twice --open-seconds + 10 s).

It prints the seeded counts, the mix of verdicts the sampled checks get, then for the bare
endpoint and for /v1/visits/check: throughput at max load (closed loop, --connections
keep-alive connections for --seconds, in --rounds alternating rounds of the two, the round
with the median share shown and counted), latency p50/p90/p99/max at a fixed --rate (open loop
for --open-seconds; latency counts from each request's scheduled time, so queueing shows),
the server's CPU per request (gunicorn and its workers, from /proc), the client's CPU, and
the goals of issue 5 with PASS or MISS: p99 <= 10 ms at 300 requests/s on 2 cores, and
throughput >= 50% of the bare endpoint's. Client, servers and PostgreSQL share this machine's
cores, so a busy machine shows in the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchlib import (
    add_database_option,
    cpu_seconds,
    drop_database,
    free_port,
    fresh_database,
    percentiles,
    stop,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_P99_MS = 10.0
GOAL_RATE = 300
GOAL_THROUGHPUT_SHARE = 0.5
DB_NAME = "coverwatch_bench_verdicts"
PROVIDER_NPIS = ("1234567893", "1245319599", "1003000126")
FEES = {"90791": "180.00", "90834": "110.00", "90837": "145.00", "90847": "120.00",
        "H0004": "28.50"}


# --- the load generator (the second process) ------------------------------------------------

def client_main() -> int:
    """Read a job (JSON) on stdin, drive the server, write the figures (JSON) on stdout."""
    job = json.load(sys.stdin)
    bodies = [json.dumps(b).encode() for b in job["bodies"]]
    headers = {"Content-Type": "application/json", **job["headers"]}
    host, port, path = "127.0.0.1", job["port"], job["path"]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    picks = iter(range(10**9))
    dropped = 0

    # A bearer token per request, when the job brings them (CDS Hooks JWTs are used once).
    tokens = job.get("tokens")

    def send(conn: http.client.HTTPConnection, n: int) -> int:
        own = {"Authorization": f"Bearer {tokens[n]}"} if tokens else {}
        conn.request("POST", path, body=bodies[n % len(bodies)], headers={**headers, **own})
        response = conn.getresponse()
        response.read()
        return response.status

    def record(started: float, status: int) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[status] += 1

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    begun = time.perf_counter()
    if job["mode"] == "closed":
        deadline = begun + job["seconds"]

        def closed_worker() -> None:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            while time.perf_counter() < deadline:
                with lock:
                    n = next(picks)
                if n >= job["max_requests"]:
                    break
                started = time.perf_counter()
                record(started, send(conn, n))
            conn.close()

        workers = [threading.Thread(target=closed_worker) for _ in range(job["connections"])]
    else:
        # Open loop: requests are due at a fixed rate whatever the server does; latency is
        # measured from the due time, so a request that waited for a free connection shows it.
        # A server that cannot keep up is not waited for past twice the phase (+10 s): the
        # requests still queued then are dropped and reported.
        due: queue.Queue[tuple[int, float] | None] = queue.Queue()
        give_up = begun + job["seconds"] * 2 + 10

        def open_worker() -> None:
            nonlocal dropped
            conn = http.client.HTTPConnection(host, port, timeout=30)
            while (item := due.get()) is not None:
                n, at = item
                if time.perf_counter() > give_up:
                    with lock:
                        dropped += 1
                    continue
                record(at, send(conn, n))
            conn.close()

        workers = [threading.Thread(target=open_worker) for _ in range(job["connections"])]
    for worker in workers:
        worker.start()
    if job["mode"] == "open":
        count = int(job["rate"] * job["seconds"])
        interval = 1.0 / job["rate"]
        for n in range(count):
            at = begun + n * interval
            pause = at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            due.put((n, at))
        for _ in workers:
            due.put(None)
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - begun
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    json.dump({"latencies_ms": latencies, "wall_s": wall, "client_cpu_s": cpu,
               "statuses": {str(k): v for k, v in statuses.items()}, "dropped": dropped},
              sys.stdout)
    return 0


# --- servers, database, measurements ---------------------------------------------------------

def plan_for(rng: random.Random, year: int) -> dict[str, Any]:
    """A coverage's treatment: its authorizations (three periods of the plan year) and the
    codes its visits use."""
    kind = rng.choices(["therapy", "units", "any"], weights=[80, 10, 10])[0]
    periods = [(date(year, 1, 1), date(year, 4, 30)), (date(year, 5, 1), date(year, 8, 31)),
               (date(year, 9, 1), date(year, 12, 31))]
    auths = []
    for n, (start, end) in enumerate(periods):
        if kind == "units":
            auth = {"unit": "unit", "minutes_per_unit": 15, "quantity": rng.randint(60, 80),
                    "codes": "H0004"}
        else:
            codes = {0: "90791,90834,90837", 1: "90834,90837", 2: "90834,90837,90847"}[n]
            auth = {"unit": "visit", "minutes_per_unit": None,
                    "quantity": rng.randint(16, 24), "codes": "" if kind == "any" else codes}
        auths.append({**auth, "number": f"PA{year}{rng.randint(100000, 999999)}-{n + 1}",
                      "start_date": start, "end_date": end})
    return {"kind": kind, "auths": auths}


def visit_code(rng: random.Random, kind: str, first: bool) -> tuple[str, int]:
    if kind == "units":
        return "H0004", rng.choice((45, 60, 60, 75))
    if first:
        return "90791", rng.randint(50, 60)
    code = rng.choices(["90837", "90834", "90847"], weights=[60, 35, 5])[0]
    if code == "90837":
        return code, 40 if rng.random() < 0.02 else rng.randint(53, 60)  # 2% mis-coded
    if code == "90834":
        return code, rng.randint(38, 52)
    return code, rng.randint(45, 55)


def visit_status(rng: random.Random, day: date, today: date) -> str:
    if day >= today:
        return "scheduled"
    return rng.choices(["completed", "cancelled", "late_cancelled", "no_show"],
                       weights=[88, 6, 3, 3])[0]


def seed(db_url: str, patients: int, rng: random.Random) -> dict[str, Any]:
    """The practice, straight into the real tables (after `flask db upgrade`), with the counts
    on each authorization drawn by the service's own allocation and verdict code."""
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING"}
    subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    os.environ.update({"DATABASE_URL": db_url})
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert, select, text

    from service import create_app
    from service.db.models import (
        Authorization,
        AuthorizationChange,
        Coverage,
        EligibilityCheck,
        FeeScheduleEntry,
        Patient,
        Visit,
    )
    from service.domain.allocation import AuthState, VisitSpec, draw
    from service.domain.policy import COUNTED, CountingPolicy, effect
    from service.domain.question import subject_of
    from service.domain.verdict import CoverageState, PayerRules, Usage, evaluate
    from service.practice.practices import create_api_key, create_practice

    app = create_app({"log_level": "WARNING"})
    wiring = app.extensions["coverwatch"]
    practice_id = create_practice(uow=wiring.uow(), clock=wiring.clock, name="Bench Practice",
                                  npi=PROVIDER_NPIS[1])
    key = create_api_key(uow=wiring.uow(), clock=wiring.clock, practice_id=practice_id,
                         scopes=frozenset({"read", "write", "admin"}))
    # One real sandbox check through the API: its row is the template of every coverage's.
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    patient = client.post("/v1/patients", headers=headers, json={
        "first_name": "Template", "last_name": "Patient", "birth_date": "1980-01-01",
        "gender": "U"}).json
    coverage = client.post(f"/v1/patients/{patient['id']}/coverages", headers=headers, json={
        "payer": "sandbox", "member_id": "ZZT0000003", "relationship": "self"}).json
    check = client.post("/v1/eligibility-checks", headers=headers,
                        json={"coverage_id": coverage["id"]}).json
    if check.get("status") != "active":
        raise SystemExit(f"sandbox check did not answer active: {check}")
    entry_rules = dict(wiring.payers.entry("sandbox").rules or {})
    rules = PayerRules.from_mapping(entry_rules)
    policy = CountingPolicy().merged(entry_rules.get("counting"))

    now = datetime.now(UTC)
    today = now.date()
    year = today.year
    engine = wiring.engine
    with engine.connect() as conn:
        template = dict(conn.execute(select(EligibilityCheck.__table__).where(
            EligibilityCheck.__table__.c.id == uuid.UUID(check["id"]))).mappings().one())
    summary = template["summary"]

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "patients", "coverages", "checks", "auths", "changes", "visits")}
    coverage_ids: list[str] = []
    coverage_codes: dict[str, list[tuple[str, int]]] = {}
    first_names = ("Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo")
    visit_no = 0

    def add_coverage(n: int, made: datetime) -> tuple[uuid.UUID, datetime, CoverageState]:
        """A patient, their coverage and its latest answered check (the template's answer)."""
        patient_id, coverage_id = uuid.uuid4(), uuid.uuid4()
        patient = {
            "id": patient_id, "practice_id": practice_id, "external_id": f"MRN{n:06d}",
            "first_name": rng.choice(first_names), "last_name": f"Bench{n:05d}",
            "birth_date": date(1950 + n % 55, 1 + n % 12, 1 + n % 28),
            "gender": "FMU"[n % 3], "created_at": made, "updated_at": made}
        rows["patients"].append(patient)
        covered = {
            "id": coverage_id, "practice_id": practice_id, "patient_id": patient_id,
            "payer": "sandbox", "member_id": f"ZZB{n:07d}", "group_number": "SBX-GROUP-100",
            "relationship": "self", "priority": "primary", "network_status": "in",
            "created_at": made, "updated_at": made}
        rows["coverages"].append(covered)
        # The copied answer is about this coverage (service/domain/question.py), as a real
        # check of it would be; it is not reused here, so its whole question is left out.
        about = subject_of(SimpleNamespace(
            **{k: patient[k] for k in ("first_name", "last_name", "birth_date")},
            member_id=covered["member_id"], relationship="self", subscriber_first_name=None,
            subscriber_last_name=None, subscriber_birth_date=None, subscriber_member_id=None),
            route="sandbox", payer_id=template["question"]["payer_id"])
        # The latest answer: within the last 25 days, or (5%) too old to count as verified.
        age = timedelta(days=rng.uniform(40, 90) if rng.random() < 0.05
                        else rng.uniform(0.1, 25))
        checked_at = now - age
        rows["checks"].append({
            **template, "id": uuid.uuid4(), "coverage_id": coverage_id,
            "subject_key": about.key(), "question_key": None,
            "trace_number": f"{rng.getrandbits(40):012d}", "control_number": 1000 + n,
            "started_at": checked_at - timedelta(seconds=1), "checked_at": checked_at})
        return coverage_id, checked_at, CoverageState(
            network="in", last_check_status="active", last_check_at=checked_at,
            last_answer_at=checked_at, summary=summary)

    for n in range(patients):
        made = now - timedelta(days=rng.randint(330, 700))
        if n == 0:  # the template's patient and coverage are the first of the practice
            coverage_id = uuid.UUID(coverage["id"])
            state = CoverageState(network="in", last_check_status="active",
                                  last_check_at=template["checked_at"],
                                  last_answer_at=template["checked_at"], summary=summary)
            checked_at = template["checked_at"]
        else:
            coverage_id, checked_at, state = add_coverage(n, made)
        plan = plan_for(rng, year)
        auths: list[AuthState] = []
        for auth in plan["auths"]:
            auth_id = uuid.uuid4()
            auths.append(AuthState(
                id=str(auth_id), number=auth["number"], status="approved", unit=auth["unit"],
                quantity=auth["quantity"], minutes_per_unit=auth["minutes_per_unit"],
                start_date=auth["start_date"], end_date=auth["end_date"],
                codes=frozenset(c for c in auth["codes"].split(",") if c), provider_npi=None,
                used=0, reserved=0))
            rows["auths"].append({
                "id": auth_id, "practice_id": practice_id, "coverage_id": coverage_id,
                **auth, "provider_npi": None, "status": "approved", "source": "manual",
                "created_at": datetime.combine(auth["start_date"], datetime.min.time(), UTC),
                "updated_at": now})
            rows["changes"].append({
                "authorization_id": auth_id, "actor": "api-key:bench", "action": "create",
                "changes": {"after": {k: (v.isoformat() if isinstance(v, date) else v)
                                      for k, v in {**auth, "provider_npi": None,
                                                   "status": "approved"}.items()}},
                "at": rows["auths"][-1]["created_at"]})

        count = rng.randint(45, 55)
        provider = rng.choice(PROVIDER_NPIS)
        counted = since = 0
        codes_used: set[tuple[str, int]] = set()
        for k in range(count):
            day = date(year, 1, 2) + timedelta(days=k * 358 // count + rng.randint(0, 2))
            code, minutes = visit_code(rng, plan["kind"], first=k == 0)
            codes_used.add((code, minutes))
            status = visit_status(rng, day, today)
            spec = VisitSpec(date=day, code=code, minutes=minutes, provider_npi=provider)
            # Booked in date order: the verdict and draw _allocate would have made.
            verdict = evaluate(spec, now=now, coverage=state, auths=auths, rules=rules,
                               usage=Usage(visits_since_answer=since,
                                           visits_this_plan_year=counted))
            kind = effect(status, policy)
            units = 0
            chosen = next((a for a in auths if a.id == verdict.authorization_id), None)
            if chosen is not None and kind != "release":
                units = draw(chosen, spec)
                bumped = (replace(chosen, used=chosen.used + units) if kind == "use"
                          else replace(chosen, reserved=chosen.reserved + units))
                auths = [bumped if a is chosen else a for a in auths]
            if status in COUNTED:
                counted += 1
                since += day > checked_at.date()
            booked = datetime.combine(day - timedelta(days=7), datetime.min.time(), UTC)
            rows["visits"].append({
                "id": uuid.uuid4(), "practice_id": practice_id, "coverage_id": coverage_id,
                "external_id": f"EHR{visit_no:08d}", "date": day, "code": code,
                "minutes": minutes, "provider_npi": provider, "status": status,
                "authorization_id": uuid.UUID(chosen.id) if chosen else None,
                "units": units, "effect": kind if units else "release",
                "verdict": verdict.to_dict() if status == "scheduled" else None,
                "created_at": booked, "updated_at": min(now, booked + timedelta(days=8))})
            visit_no += 1
        for auth_row, final in zip(rows["auths"][-3:], auths, strict=True):
            auth_row["used"], auth_row["reserved"] = final.used, final.reserved
        coverage_ids.append(str(coverage_id))
        coverage_codes[str(coverage_id)] = sorted(codes_used)

    fees = [{"id": uuid.uuid4(), "practice_id": practice_id, "payer": "sandbox", "code": code,
             "allowed_amount": Decimal(amount), "updated_at": now}
            for code, amount in FEES.items()]
    with engine.begin() as conn:
        for model, name in ((Patient, "patients"), (Coverage, "coverages"),
                            (EligibilityCheck, "checks"), (Authorization, "auths"),
                            (AuthorizationChange, "changes"), (Visit, "visits")):
            batch = rows[name]
            for start in range(0, len(batch), 5000):
                conn.execute(insert(model.__table__), batch[start:start + 5000])
        conn.execute(insert(FeeScheduleEntry.__table__), fees)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    auth_rows = rows["auths"]
    return {
        "key": key, "coverage_ids": coverage_ids, "coverage_codes": coverage_codes,
        "today": today,
        "drawn": (sum(a["used"] for a in auth_rows), sum(a["reserved"] for a in auth_rows)),
        "exhausted": sum(a["used"] + a["reserved"] >= a["quantity"] for a in auth_rows),
    }


def verify_counts(db_url: str) -> dict[str, int]:
    """Rows per table, and the authorizations whose used/reserved differ from the sum of
    their visits' units (must be 0)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        counts = {}
        for table in ("patients", "coverages", "eligibility_checks", "authorizations",
                      "visits"):
            query = text(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = int(conn.execute(query).scalar_one())
        counts["mismatched"] = int(conn.execute(text("""
            SELECT count(*) FROM authorizations a LEFT JOIN (
                SELECT authorization_id,
                       sum(units) FILTER (WHERE effect = 'use') AS used,
                       sum(units) FILTER (WHERE effect = 'reserve') AS reserved
                FROM visits GROUP BY authorization_id) v ON v.authorization_id = a.id
            WHERE a.used <> coalesce(v.used, 0) OR a.reserved <> coalesce(v.reserved, 0)
        """)).scalar_one())
    engine.dispose()
    return counts


def check_bodies(seeded: dict[str, Any], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Visit checks a scheduler would send: a coverage's usual code and length, within the
    next five weeks."""
    bodies = []
    for _ in range(count):
        coverage_id = rng.choice(seeded["coverage_ids"])
        code, minutes = rng.choice(seeded["coverage_codes"][coverage_id])
        day = seeded["today"] + timedelta(days=rng.randint(1, 35))
        bodies.append({"coverage_id": coverage_id, "date": day.isoformat(), "code": code,
                       "minutes": minutes, "provider_npi": PROVIDER_NPIS[0]})
    return bodies


def run_client(job: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "client"], input=json.dumps(job),
                          capture_output=True, text=True, check=False,
                          timeout=job["seconds"] * 3 + 60)
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout))


def sample_verdicts(port: int, key: str, bodies: list[dict[str, Any]]) -> Counter[str]:
    """Sequential checks (also the warm-up): the mix of verdicts and of reason codes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mix: Counter[str] = Counter()
    for body in bodies:
        conn.request("POST", "/v1/visits/check", body=json.dumps(body), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {key}"})
        response = conn.getresponse()
        answer = json.loads(response.read())
        if response.status != 200:
            raise SystemExit(f"/v1/visits/check answered {response.status}: {answer}")
        mix[answer["status"]] += 1
        for found in answer["reasons"]:
            mix["reason:" + found["code"]] += 1
    conn.close()
    return mix


def warm(port: int, job: dict[str, Any], args: argparse.Namespace) -> None:
    """Closed-loop load until the server is warm."""
    run_client({**job, "mode": "closed", "seconds": args.warmup_seconds,
                "connections": args.connections, "max_requests": 20_000})
    # Each worker keeps the inputs of the coverages it has checked; a server that has been
    # up a while has nearly all of them. Warm up until a 2 s round reads under 1% of its
    # inputs from the database (at most 30 s more; the bare endpoint keeps nothing).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        inputs = verdict_inputs(port)
        run_client({**job, "mode": "closed", "seconds": 2, "connections": args.connections,
                    "max_requests": 20_000})
        now = verdict_inputs(port)
        served = sum(now.values()) - sum(inputs.values())
        if not served or now["database"] - inputs["database"] < 0.01 * served:
            break


def phase(mode: str, port: int, pid: int, job: dict[str, Any],
          args: argparse.Namespace) -> dict[str, Any]:
    """One measured phase: max load (closed loop) or the fixed rate (open loop)."""
    seconds = args.seconds if mode == "closed" else args.open_seconds
    inputs = verdict_inputs(port)
    before = cpu_seconds(pid)
    result = run_client({**job, "mode": mode, "seconds": seconds, "rate": args.rate,
                         "connections": args.connections, "max_requests": args.max_requests})
    server_cpu = cpu_seconds(pid) - before
    done = len(result["latencies_ms"])
    errors = done - result["statuses"].get("200", 0) + result["dropped"]
    return {
        **percentiles(result["latencies_ms"]), "requests": done, "errors": errors,
        "throughput": done / result["wall_s"], "wall_s": result["wall_s"],
        "server_cpu_ms": server_cpu / done * 1000,
        "client_cpu_ms": result["client_cpu_s"] / done * 1000,
        "client_core_share": result["client_cpu_s"] / result["wall_s"],
        "inputs": {k: v - inputs[k] for k, v in verdict_inputs(port).items()}}


def verdict_inputs(port: int) -> dict[str, float]:
    """The service's count of verdict inputs served from memory and read from the database
    (its /metrics, summed over the workers); zeros for the bare endpoint."""
    counts = {"memory": 0.0, "database": 0.0}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics")
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    if response.status != 200:
        return counts
    for line in text.splitlines():
        if line.startswith("coverwatch_verdict_inputs_total{"):
            labels, _, value = line.rpartition(" ")
            for source in counts:
                if f'source="{source}"' in labels:
                    counts[source] += float(value)
    return counts


def serve(app: str, port: int, workers: int, threads: int, env: dict[str, str],
          log: Path, extra: list[str]) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", *extra, app], cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
             "GUNICORN_THREADS": str(threads)}, stdout=out, stderr=out)


def rows_of(figures: list[dict[str, Any]]) -> Iterator[str]:
    yield (f"{'':>18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server CPU':>11} "
           f"{'client CPU':>11} {'errors':>7}")
    for row in figures:
        c = row["closed"]
        yield (f"{row['name']:>18} {c['throughput']:8.0f} {c['p50']:8.2f} {c['p99']:8.2f} "
               f"{c['server_cpu_ms']:8.2f} ms {c['client_cpu_ms']:8.2f} ms {c['errors']:7d}")


def main() -> int:
    if sys.argv[1:2] == ["client"]:
        return client_main()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000,
                        help="patients, one coverage each (3 authorizations, ~50 visits)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--connections", type=int, default=16,
                        help="client keep-alive connections (closed and open loop)")
    parser.add_argument("--seconds", type=float, default=10, help="max-load phase length")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating max-load rounds (bare, service); the median counts")
    parser.add_argument("--warmup-seconds", type=float, default=5,
                        help="closed-loop warm-up before the measured phases")
    parser.add_argument("--max-requests", type=int, default=100_000,
                        help="cap on requests in the max-load phase")
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="open-loop requests/s")
    parser.add_argument("--open-seconds", type=float, default=20,
                        help="open-loop phase length")
    parser.add_argument("--seed", type=int, default=5)
    add_database_option(parser)
    parser.add_argument("--keep-database", action="store_true",
                        help=f"leave {DB_NAME} in place afterwards")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="coverwatch-bench-verdicts-"))
    started = time.monotonic()
    db_url = fresh_database(args.database, DB_NAME)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        seeded = seed(db_url, args.patients, rng)
        seeded_s = time.monotonic() - started
        counts = verify_counts(db_url)
        if counts["mismatched"]:
            raise SystemExit(f"{counts['mismatched']} authorizations disagree with their visits")
        env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "INFO",
               "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
        bare_port, api_port = free_port(), free_port()
        processes.append(serve("bare_app:app", bare_port, args.workers, args.threads,
                               {**env, "PROMETHEUS_MULTIPROC_DIR": str(work / "bare-metrics")},
                               work / "bare.log", ["--pythonpath", str(ROOT / "bench")]))
        processes.append(serve("wsgi:app", api_port, args.workers, args.threads, env,
                               work / "gunicorn.log", []))
        wait_for(f"http://127.0.0.1:{bare_port}/readyz")
        wait_for(f"http://127.0.0.1:{api_port}/readyz")
        bodies = check_bodies(seeded, 2000, rng)
        mix = sample_verdicts(api_port, seeded["key"], bodies[:300])
        job = {"path": "/v1/visits/check", "bodies": bodies,
               "headers": {"Authorization": f"Bearer {seeded['key']}"}}
        servers = [("bare Flask", bare_port, processes[0].pid),
                   ("/v1/visits/check", api_port, processes[1].pid)]
        for _, port, _ in servers:
            warm(port, {**job, "port": port}, args)
        # Max load in alternating rounds, bare then service: the machine's own drift (clock
        # speed, other work) moves both alike within a round, and the median round's share
        # is the figure. (The server not under load idles meanwhile.)
        rounds = [[phase("closed", port, pid, {**job, "port": port}, args)
                   for _, port, pid in servers] for _ in range(args.rounds)]
        shares = [s["throughput"] / b["throughput"] for b, s in rounds]
        median = sorted(range(len(rounds)), key=shares.__getitem__)[len(rounds) // 2]
        bare, service = ({"name": name, "closed": rounds[median][i],
                          "open": phase("open", port, pid, {**job, "port": port}, args)}
                         for i, (name, port, pid) in enumerate(servers))
    finally:
        for process in processes:
            stop(process)
        if not args.keep_database:
            drop_database(args.database, DB_NAME)

    print(f"practice: {counts['patients']:,} patients, {counts['coverages']:,} coverages, "
          f"{counts['authorizations']:,} authorizations ({seeded['exhausted']:,} fully "
          f"drawn), {counts['visits']:,} visits ({seeded['drawn'][0]:,} units used, "
          f"{seeded['drawn'][1]:,} reserved; every authorization's counts match its visits), "
          f"{counts['eligibility_checks']:,} eligibility checks; seeded in {seeded_s:.0f} s")
    sampled = sum(mix[s] for s in ("covered", "at_risk", "not_covered"))
    reasons = ", ".join(f"{k[7:]} {v}" for k, v in mix.most_common() if k.startswith("reason:"))
    print(f"verdicts of {sampled} sampled checks: covered {mix['covered']}, at_risk "
          f"{mix['at_risk']}, not_covered {mix['not_covered']} (reasons: {reasons or 'none'})")
    print(f"gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
          f"{os.cpu_count()} cores shared by client, servers and database")
    print(f"\nmax load: closed loop, {args.connections} connections, {args.seconds:g} s each, "
          f"{args.rounds} alternating rounds; the median round's share counts (round "
          f"{median + 1})")
    for line in rows_of([bare, service]):
        print(line)
    print("rounds: " + ", ".join(
        f"{s['throughput']:.0f} vs {b['throughput']:.0f}/s ({share:.0%})"
        for (b, s), share in zip(rounds, shares, strict=True)))
    print(f"\nfixed rate: open loop, {args.rate:g} requests/s for {args.open_seconds:g} s each "
          f"(latency from the scheduled send time)")
    print(f"{'':>18} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'server CPU':>11} {'errors':>7}")
    for row in (bare, service):
        o = row["open"]
        print(f"{row['name']:>18} {o['throughput']:8.0f} {o['p50']:8.2f} {o['p90']:8.2f} "
              f"{o['p99']:8.2f} {o['max']:8.2f} {o['server_cpu_ms']:8.2f} ms {o['errors']:7d}")
    for row in (bare, service):
        client = row["closed"]["client_core_share"]
        if client > 0.8:
            print(f"note: at max load the client used {client:.0%} of a core against "
                  f"{row['name']}; its figure is partly the client's limit")
    print(f"\nCPU per check of the service (gunicorn and its workers): "
          f"{service['open']['server_cpu_ms']:.2f} ms at {args.rate:g}/s, "
          f"{service['closed']['server_cpu_ms']:.2f} ms at max load (bare endpoint "
          f"{bare['open']['server_cpu_ms']:.2f} / {bare['closed']['server_cpu_ms']:.2f} ms)")
    for mode, label in (("closed", "max load"), ("open", f"{args.rate:g}/s")):
        inputs = service[mode]["inputs"]
        total = inputs["memory"] + inputs["database"]
        if total:
            print(f"verdict inputs at {label}: {inputs['memory'] / total:.1%} from memory, "
                  f"{inputs['database']:.0f} read from the database")
    p99 = service["open"]["p99"]
    at_rate = service["open"]["throughput"]
    share = service["closed"]["throughput"] / bare["closed"]["throughput"]
    kept_up = at_rate >= 0.98 * args.rate and not service["open"]["errors"]
    ok_latency = p99 <= GOAL_P99_MS and kept_up and args.rate >= GOAL_RATE
    print(f"goal: p99 <= {GOAL_P99_MS:.0f} ms at {GOAL_RATE} requests/s on 2 cores -> "
          f"{p99:.2f} ms at {at_rate:.0f}/s {'PASS' if ok_latency else 'MISS'}")
    print(f"goal: throughput >= {GOAL_THROUGHPUT_SHARE:.0%} of the bare endpoint -> "
          f"{share:.0%} ({service['closed']['throughput']:.0f} vs "
          f"{bare['closed']['throughput']:.0f}/s) "
          f"{'PASS' if share >= GOAL_THROUGHPUT_SHARE else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
