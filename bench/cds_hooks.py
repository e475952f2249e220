"""The appointment-book hook under load, next to POST /v1/visits/check on the same server.

Runs the real stack as bench/verdicts.py does (its seeding, servers and load generator):
gunicorn serving wsgi:app on PostgreSQL with a practice of --patients patients (one coverage,
three authorizations and ~50 visits each, one answered check). An EHR is registered with
POST /v1/cds-clients (an inline JWK Set, --alg RS384 or ES384; RS384 by default, as Epic's
CDS Hooks client signs by default — open.epic's CDS Hooks tutorial: "alg … The default is RSA
SHA-384" — while ES384 costs about 0.7 ms more CPU a call to verify). Each hook call carries one
proposed Appointment of a known client (a coverage's usual code and length, within the next
five weeks), the Patient and Coverage prefetched, and its own freshly signed JWT (the tokens
are signed before each phase, outside the measurement; a jti is never reused).

    .venv/bin/python bench/cds_hooks.py [--patients 1000] [--workers 2] [--threads 16]
        [--connections 16] [--seconds 10] [--rounds 3] [--rate 100] [--open-seconds 20]
        [--alg RS384|ES384] [--database postgresql://postgres@127.0.0.1:5432/postgres]

It prints, for /v1/visits/check and the hook: throughput at max load (closed loop, in
--rounds alternating rounds, the median round's share counted), latency p50/p90/p99/max at
--rate calls/s (open loop, from each call's scheduled time), the server's CPU per call, the
cards' indicators of a sample, and the goals of issue 20 with PASS or MISS: the hook's
throughput >= 50% of /v1/visits/check's, and its p99 <= 50 ms at 100 calls/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from benchlib import add_database_option, drop_database, free_port, fresh_database, stop, wait_for
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from verdicts import PROVIDER_NPIS, check_bodies, phase, run_client, seed, serve, verify_counts

GOAL_SHARE = 0.5
GOAL_P99_MS = 50.0
GOAL_RATE = 100
DB_NAME = "coverwatch_bench_cds"
ISSUER = "https://ehr.bench.example"
CPT = "http://www.ama-assn.org/go/cpt"
NPI = "http://hl7.org/fhir/sid/us-npi"


class Signer:
    """The EHR: its key, its JWK Set, and a JWT per call."""

    def __init__(self, alg: str) -> None:
        self.alg = alg
        self.private = (ec.generate_private_key(ec.SECP384R1()) if alg == "ES384"
                        else rsa.generate_private_key(public_exponent=65537, key_size=2048))
        algorithm = jwt.algorithms.ECAlgorithm if alg == "ES384" else jwt.algorithms.RSAAlgorithm
        public = json.loads(algorithm.to_jwk(self.private.public_key()))
        self.jwks = {"keys": [{**public, "kid": "bench-1", "alg": alg, "use": "sig"}]}

    def tokens(self, count: int, audience: str) -> list[str]:
        now = int(time.time())
        return [jwt.encode({"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 300,
                            "jti": uuid.uuid4().hex}, self.private, algorithm=self.alg,
                           headers={"kid": "bench-1"}) for _ in range(count)]


def hook_bodies(seeded: dict[str, Any], checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same visits as appointment-book calls: the client by its EHR id (MRN…), the
    appointment's code and length, the Patient and Coverage prefetched."""
    index = {cid: n for n, cid in enumerate(seeded["coverage_ids"])}
    bodies = []
    for check in checks:
        n = index[check["coverage_id"]]
        ehr_id = f"MRN{n:06d}"
        start = datetime.fromisoformat(f"{check['date']}T10:00:00-05:00")
        appointment = {
            "resourceType": "Appointment", "id": f"a{len(bodies)}", "status": "proposed",
            "serviceType": [{"coding": [{"system": CPT, "code": check["code"]}]}],
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=check["minutes"])).isoformat(),
            "participant": [{"actor": {"reference": f"Patient/{ehr_id}"}, "status": "accepted"},
                            {"actor": {"identifier": {"system": NPI, "value": PROVIDER_NPIS[0]}},
                             "status": "accepted"}]}
        coverage = {"resourceType": "Coverage", "status": "active", "subscriberId": f"ZZB{n:07d}",
                    "beneficiary": {"reference": f"Patient/{ehr_id}"},
                    "payor": [{"identifier": {"value": "SANDBOX01"}}]}
        bodies.append({
            "hook": "appointment-book", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": ehr_id, "appointments": {
                "resourceType": "Bundle", "type": "collection",
                "entry": [{"resource": appointment}]}},
            "prefetch": {"patient": {"resourceType": "Patient", "id": ehr_id,
                                     "name": [{"family": f"Bench{n:05d}", "given": ["Ana"]}],
                                     "birthDate": "1980-01-01", "gender": "unknown"},
                         "coverage": {"resourceType": "Bundle", "type": "searchset",
                                      "entry": [{"resource": coverage}]}}})
    return bodies


def post(port: int, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - a local URL
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="max-load phase length")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup-seconds", type=float, default=5)
    parser.add_argument("--max-requests", type=int, default=8000,
                        help="cap on calls per max-load phase (each hook call needs a JWT)")
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="open-loop calls/s")
    parser.add_argument("--open-seconds", type=float, default=20)
    parser.add_argument("--alg", choices=("ES384", "RS384"), default="RS384",
                        help="the EHR's signing algorithm (RS384: Epic's default)")
    parser.add_argument("--seed", type=int, default=20)
    add_database_option(parser)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    signer = Signer(args.alg)

    work = Path(tempfile.mkdtemp(prefix="coverwatch-bench-cds-"))
    db_url = fresh_database(args.database, DB_NAME)
    server = None
    try:
        seeded = seed(db_url, args.patients, rng)
        counts = verify_counts(db_url)
        env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "INFO",
               "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
        port = free_port()
        server = serve("wsgi:app", port, args.workers, args.threads, env,
                       work / "gunicorn.log", [])
        wait_for(f"http://127.0.0.1:{port}/readyz")
        status, _ = post(port, "/v1/cds-clients", {"issuer": ISSUER, "jwks": signer.jwks},
                         {"Authorization": f"Bearer {seeded['key']}"})
        if status != 201:
            raise SystemExit(f"registering the EHR answered {status}")
        # The template coverage (the first) has no EHR id: the calls are about the others.
        known = {**seeded, "coverage_ids": seeded["coverage_ids"][1:]}
        checks = check_bodies(known, 2000, rng)
        hooks = hook_bodies(seeded, checks)
        audience = f"http://127.0.0.1:{port}/cds-services/appointment-book"
        indicators: Counter[str] = Counter()
        for body, token in zip(hooks[:200], signer.tokens(200, audience), strict=True):
            status, answer = post(port, "/cds-services/appointment-book", body,
                                  {"Authorization": f"Bearer {token}"})
            if status != 200:
                raise SystemExit(f"the hook answered {status}: {answer}")
            indicators.update(card["indicator"] for card in answer["cards"])
        jobs = {"/v1/visits/check": {"path": "/v1/visits/check", "bodies": checks, "port": port,
                                     "headers": {"Authorization": f"Bearer {seeded['key']}"}},
                "appointment-book": {"path": "/cds-services/appointment-book", "bodies": hooks,
                                     "port": port, "headers": {}}}

        def signed(name: str, count: int) -> dict[str, Any]:
            job = jobs[name]
            return {**job, "tokens": signer.tokens(count, audience)} \
                if name == "appointment-book" else job

        for name in jobs:
            run_client({**signed(name, args.max_requests), "mode": "closed",
                        "seconds": args.warmup_seconds, "connections": args.connections,
                        "max_requests": args.max_requests})
        rounds = [[phase("closed", port, server.pid, signed(name, args.max_requests), args)
                   for name in jobs] for _ in range(args.rounds)]
        shares = [hook["throughput"] / check["throughput"] for check, hook in rounds]
        median = sorted(range(len(rounds)), key=shares.__getitem__)[len(rounds) // 2]
        opened = {name: phase("open", port, server.pid,
                              signed(name, int(args.rate * args.open_seconds) + 1), args)
                  for name in jobs}
    finally:
        if server is not None:
            stop(server)
        drop_database(args.database, DB_NAME)

    print(f"practice: {counts['patients']:,} patients, {counts['coverages']:,} coverages, "
          f"{counts['authorizations']:,} authorizations, {counts['visits']:,} visits")
    print(f"gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
          f"{os.cpu_count()} cores shared by client, server and database; JWTs {args.alg}")
    print("cards of 200 sampled hook calls (one appointment each): " + ", ".join(
        f"{k} {v}" for k, v in indicators.most_common()))
    print(f"\nmax load: closed loop, {args.connections} connections, {args.seconds:g} s each, "
          f"{args.rounds} alternating rounds; the median round's share counts "
          f"(round {median + 1})")
    print(f"{'':>18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server CPU':>11} {'errors':>7}")
    for name, row in zip(jobs, rounds[median], strict=True):
        print(f"{name:>18} {row['throughput']:8.0f} {row['p50']:8.2f} {row['p99']:8.2f} "
              f"{row['server_cpu_ms']:8.2f} ms {row['errors']:7d}")
    print("rounds: " + ", ".join(f"{h['throughput']:.0f} vs {c['throughput']:.0f}/s ({s:.0%})"
                                 for (c, h), s in zip(rounds, shares, strict=True)))
    print(f"\nfixed rate: open loop, {args.rate:g} calls/s for {args.open_seconds:g} s each "
          f"(latency from the scheduled send time)")
    print(f"{'':>18} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'server CPU':>11} {'errors':>7}")
    for name, row in opened.items():
        print(f"{name:>18} {row['throughput']:8.0f} {row['p50']:8.2f} {row['p90']:8.2f} "
              f"{row['p99']:8.2f} {row['max']:8.2f} {row['server_cpu_ms']:8.2f} ms "
              f"{row['errors']:7d}")
    hook = opened["appointment-book"]
    share = shares[median]
    kept_up = hook["throughput"] >= 0.98 * args.rate and not hook["errors"]
    ok_latency = hook["p99"] <= GOAL_P99_MS and kept_up and args.rate >= GOAL_RATE
    print(f"goal: appointment-book throughput >= {GOAL_SHARE:.0%} of /v1/visits/check -> "
          f"{share:.0%} {'PASS' if share >= GOAL_SHARE else 'MISS'}")
    print(f"goal: appointment-book p99 <= {GOAL_P99_MS:.0f} ms at {GOAL_RATE} calls/s -> "
          f"{hook['p99']:.2f} ms at {hook['throughput']:.0f}/s "
          f"{'PASS' if ok_latency else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
