"""The security review's attack plan, rerun against a `make run`-style server.

    .venv/bin/python bench/attack_plan.py

Starts gunicorn with gunicorn.conf.py on a loopback port over a temporary SQLite database
(migrated and seeded with the CLI, as bench/hostile_input.py does; a second practice, a staff
account and a re-verification run are made with the CLI too), sends each attack and prints one
line per attack: what came back and PASS or FAIL against "refused or harmless". Attacks that
need a payer stand-in are named with the test that covers them. Exits 1 if anything FAILs.
The web app is reached from several loopback addresses (127.0.0.x), each one client address.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    ROOT,
    cpu_seconds,
    flask_cli,
    free_port,
    migrate_and_seed,
    start_gunicorn,
    stop,
    wait_for,
)
from hostile_input import (  # noqa: E402
    GOAL_CPU_MS,
    REMATCHING,
    attack_body,
    made_up_methods,
    metrics,
    post,
)

CHECK_BURST = 5  # live checks a practice may start at once, per server process
WORKERS = 2  # gunicorn.conf.py's default WEB_CONCURRENCY: each process has its own buckets
LOG_LINE_BOUND = 16_384  # docs/security/input.md: the longest JSON log line
SMALL_LOG_LINE = 2_048  # what a small request's lines stay under
PASSWORD = secrets.token_urlsafe(18)  # of the synthetic account made for this run
EMAIL = "frontdesk.bench@practice.example"
UNKNOWN = "nobody.bench@practice.example"
SECOND_NPI = "1245319599"  # a valid synthetic NPI (check digit right)
MB = 1_000_000


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float
    cookies: list[str] = field(default_factory=list)

    def json(self) -> dict:
        try:
            found = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


def call(port: int, method: str, path: str, *, body: bytes | Iterator[bytes] | None = None,
         headers: dict[str, str] | None = None, source: str = "127.0.0.1",
         timeout: float = 60) -> Reply:
    """One request on a new connection from `source` (a loopback address)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0))
    chunked = body is not None and not isinstance(body, bytes)
    started = time.perf_counter()
    try:
        try:
            conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        response = conn.getresponse()
        data = response.read()
        ms = (time.perf_counter() - started) * 1000
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                     ms, response.headers.get_all("Set-Cookie") or [])
    finally:
        conn.close()


@dataclass
class Server:
    port: int
    pid: int
    log_path: Path
    key: str
    practice_id: str
    coverage_id: str
    metrics_token: str
    second_key: str
    run_id: str

    def api(self, method: str, path: str, payload: object = None, *, key: str | None = None,
            raw: bytes | None = None) -> Reply:
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        body = raw if raw is not None else (None if payload is None
                                            else json.dumps(payload).encode())
        return call(self.port, method, path, body=body, headers=headers)


class LogTail:
    """The lines the server logged since the last mark()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mark()

    def mark(self) -> None:
        self.offset = self.path.stat().st_size

    def longest(self) -> tuple[int, int]:
        """(longest line in characters, number of lines) since the mark."""
        time.sleep(0.3)  # the workers write their lines after answering
        with self.path.open("rb") as log:
            log.seek(self.offset)
            lines = log.read().decode(errors="replace").splitlines()
        return max((len(line) for line in lines), default=0), len(lines)


class Browser:
    """A web app client at one address: keeps its cookies, reads the form's CSRF token."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = call(self.port, method, path, body=body, headers=headers, source=self.address)
        for line in reply.cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def token(self, path: str = "/app/login") -> str:
        found = self.TOKEN.search(self.request("GET", path).body.decode())
        return found.group(1) if found else ""

    def sign_in(self, email: str, password: str, token: str | None = None) -> Reply:
        form = {"email": email, "password": password,
                "csrf_token": self.token() if token is None else token}
        return self.request("POST", "/app/login", form)

    def sign_out(self) -> Reply:
        return self.request("POST", "/app/logout", {"csrf_token": self.token("/app/")})


@dataclass(frozen=True)
class Row:
    name: str
    verdict: str  # PASS, FAIL or "covered by test"
    detail: str


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def statuses(replies: list[Reply]) -> str:
    counts = Counter(r.status for r in replies)
    return ", ".join(f"{n}×{s}" if n > 1 else str(s) for s, n in sorted(counts.items()))


def exact_body(size: int) -> bytes:
    """A JSON body of exactly `size` bytes of values that re-match "[redacted]"."""
    items: list[str] = []
    n = 0
    while True:
        item = json.dumps({"q": REMATCHING[n % len(REMATCHING)], "name": f"v{n}"})
        if len('{"items": [' + ",".join([*items, item]) + "]}") > size:
            break
        items.append(item)
        n += 1
    head = '{"items": [' + ",".join(items) + "]"
    return (head + " " * (size - len(head) - 1) + "}").encode()


# 1-2: unauthenticated bodies built to re-match "[redacted]" ---------------------------------

def large_unauthenticated_body(srv: Server, tail: LogTail) -> Row:
    body = attack_body(3 * MB)
    post(srv.port, b"{}")  # warm-up: both paths imported before measuring
    tail.mark()
    rounds = 10
    before = cpu_seconds(srv.pid)
    answers = [post(srv.port, body) for _ in range(rounds)]
    time.sleep(0.5)
    cpu_ms = (cpu_seconds(srv.pid) - before) * 1000 / rounds
    longest, lines = tail.longest()
    ok = set(answers) <= {401, 413} and cpu_ms < GOAL_CPU_MS and longest <= LOG_LINE_BOUND
    return Row(f"{len(body) / MB:.0f} MB re-matching body, no key", verdict(ok),
               f"status {sorted(set(answers))} ×{rounds}; server CPU {cpu_ms:.1f} ms/request "
               f"(goal < {GOAL_CPU_MS:.0f}); longest log line {longest:,} chars of {lines}")


def small_unauthenticated_bodies(srv: Server, tail: LogTail) -> list[Row]:
    rows = []
    for size in (278, 590):
        body = exact_body(size)
        tail.mark()
        answer = post(srv.port, body)
        longest, lines = tail.longest()
        ok = answer in (401, 413) and longest <= SMALL_LOG_LINE
        rows.append(Row(f"{len(body)}-byte re-matching body, no key", verdict(ok),
                        f"status {answer}; longest log line {longest:,} chars of {lines} "
                        f"(small: ≤ {SMALL_LOG_LINE:,})"))
    return rows


# 3: bodies over MAX_BODY_BYTES -------------------------------------------------------------

def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"first_name": "'
    sent = 16
    while sent < total:
        yield b"a" * size
        sent += size
    yield b'"}'


def oversized_bodies(srv: Server) -> list[Row]:
    five = 5 * 1024 * 1024
    auth = {"Content-Type": "application/json", "Authorization": f"Bearer {srv.key}"}
    with_length = call(srv.port, "POST", "/v1/patients", headers=auth,
                       body=b"{" + b" " * five + b"}")
    chunked = call(srv.port, "POST", "/v1/patients", headers=auth, body=chunks(five))
    anonymous = call(srv.port, "POST", "/v1/patients", body=chunks(five),
                     headers={"Content-Type": "application/json"})
    return [
        Row("5 MiB body with Content-Length, with key", verdict(with_length.status == 413),
            f"status {with_length.status} in {with_length.ms:.0f} ms"),
        Row("5 MiB chunked body (no Content-Length)", verdict(
            chunked.status == 413 and anonymous.status in (401, 413)),
            f"with key: status {chunked.status} in {chunked.ms:.0f} ms; "
            f"no key: status {anonymous.status} in {anonymous.ms:.0f} ms"),
    ]


# 4: made-up methods and /metrics -----------------------------------------------------------

def metrics_attacks(srv: Server) -> list[Row]:
    made_up_methods(srv.port, 10, 0)  # the one "other" series exists from here on
    metrics(srv.port, srv.metrics_token)  # and so does the scrape's own
    size_before, series_before = metrics(srv.port, srv.metrics_token)
    made_up_methods(srv.port, 1000, 10)
    size_after, series_after = metrics(srv.port, srv.metrics_token)
    bare = call(srv.port, "GET", "/metrics")
    wrong = call(srv.port, "GET", "/metrics", headers={"Authorization": "Bearer not-the-token"})
    right = call(srv.port, "GET", "/metrics",
                 headers={"Authorization": f"Bearer {srv.metrics_token}"})
    return [
        Row("1,000 made-up HTTP methods, no key",
            verdict(right.status == 200 and 0 < series_after == series_before),
            f"/metrics {size_before:,} → {size_after:,} bytes, "
            f"series {series_before} → {series_after}"),
        Row("/metrics without / with a wrong token",
            verdict(bare.status == wrong.status == 401 and right.status == 200),
            f"status {bare.status} / {wrong.status}; with METRICS_TOKEN's value: {right.status}"),
    ]


# 5-7: malformed input ----------------------------------------------------------------------

def deep_nesting(srv: Server) -> Row:
    depth = 100_000
    body = b"[" * depth + b"]" * depth
    anonymous = srv.api("POST", "/v1/patients", raw=body)
    keyed = srv.api("POST", "/v1/patients", raw=body, key=srv.key)
    ok = all(400 <= r.status < 500 for r in (anonymous, keyed))
    reason = keyed.json().get("errors", {}).get("_schema", [""])[0]
    return Row(f"'[' nested {depth:,} deep", verdict(ok),
               f"no key: {anonymous.status}; with key: {keyed.status} {reason!r}")


def foreign_digits(srv: Server) -> Row:
    npis = {"superscript": "123456789\u00b3", "Arabic-Indic": "\u0661\u0662\u0663\u0664"
            "\u0665\u0666\u0667\u0668\u0669\u0663", "fullwidth": "\uff11\uff12\uff13\uff14"
            "\uff15\uff16\uff17\uff18\uff19\uff13"}
    today = datetime.now(UTC).date().isoformat()
    replies = []
    for npi in npis.values():
        replies += [
            srv.api("POST", "/v1/eligibility-checks", key=srv.key,
                    payload={"coverage_id": srv.coverage_id, "provider_npi": npi}),
            srv.api("POST", "/v1/visits/check", key=srv.key,
                    payload={"coverage_id": srv.coverage_id, "date": today, "code": "90837",
                             "provider_npi": npi}),
            srv.api("POST", "/v1/visits", key=srv.key,
                    payload={"coverage_id": srv.coverage_id, "date": today, "code": "90837",
                             "provider_npi": npi}),
        ]
    code = srv.api("POST", "/v1/visits/check", key=srv.key, payload={
        "coverage_id": srv.coverage_id, "date": today, "code": "\u0669\u0660\u0668\u0663\u0667"})
    ok = all(r.status in (400, 422) for r in [*replies, code])
    return Row("NPI and CPT with non-ASCII digits", verdict(ok),
               f"NPI with ³, ١٢٣, １２３ to eligibility-checks, visits/check, visits: "
               f"{statuses(replies)}; CPT ٩٠٨٣٧: {code.status}")


def forecast_past_9999(srv: Server) -> Row:
    series = [("9999-12-25", 7, 2), ("9999-01-01", 366, 104)]
    replies = [srv.api("POST", "/v1/visits/forecast", key=srv.key, payload={
        "coverage_id": srv.coverage_id, "code": "90837", "first_date": first,
        "every_days": every, "count": count}) for first, every, count in series]
    ok = all(r.status in (400, 422) for r in replies)
    message = replies[0].json().get("errors", {}).get("first_date", [""])[0]
    return Row("forecast ending after 9999-12-31", verdict(ok),
               f"{statuses(replies)} for {len(replies)} series; {message!r}")


# 8-9: signing in to the web app ------------------------------------------------------------

def session_after_sign_out(srv: Server, usual: Browser) -> Row:
    signed = usual.sign_in(EMAIL, PASSWORD)
    device = "coverwatch_device" in usual.cookies
    copy = dict(usual.cookies)
    inside = usual.request("GET", "/app/").status
    out = usual.sign_out().status
    thief = Browser(srv.port, "127.0.0.20")
    thief.cookies = copy
    after = thief.request("GET", "/app/")
    ok = signed.status == 302 and inside == 200 and after.status == 302 \
        and after.headers.get("location", "").endswith("/app/login")
    return Row("session cookie copied before sign-out", verdict(ok),
               f"sign-in {signed.status} (device cookie {'set' if device else 'missing'}), "
               f"/app/ {inside}, sign-out {out}; the copy afterwards: {after.status} → "
               f"{after.headers.get('location', '-')}")


def wrong_passwords(srv: Server, usual: Browser) -> Row:
    attempts = 6  # five, then one more past the per-account throttle
    known = Browser(srv.port, "127.0.0.3")
    unknown = Browser(srv.port, "127.0.0.4")
    for_account = [known.sign_in(EMAIL, f"wrong guess {n}") for n in range(attempts)]
    for_nobody = [unknown.sign_in(UNKNOWN, f"wrong guess {n}") for n in range(attempts)]
    a = [r.status for r in for_account]
    b = [r.status for r in for_nobody]
    real = usual.sign_in(EMAIL, PASSWORD)
    usual.sign_out()
    ms_a = sum(r.ms for r in for_account[:5]) / 5
    ms_b = sum(r.ms for r in for_nobody[:5]) / 5
    ok = a == b and 423 not in a and a[:5] == [401] * 5 and real.status == 302
    return Row("6 wrong passwords: account vs unknown email", verdict(ok),
               f"account {a}, unknown {b} (mean {ms_a:.0f} / {ms_b:.0f} ms); "
               f"real user afterwards, usual device: {real.status}")


def long_email(srv: Server) -> Row:
    browser = Browser(srv.port, "127.0.0.6")
    token = browser.token()
    email = "a" * (40 * 1024 - len("@practice.example")) + "@practice.example"
    reply = browser.sign_in(email, "whatever it is", token)
    ok = reply.status in (200, 401, 422) and reply.ms < 100
    return Row("40 KB email on the sign-in form", verdict(ok),
               f"status {reply.status} in {reply.ms:.1f} ms (goal < 100 ms)")


def lock_and_device(srv: Server, usual: Browser) -> Row:
    # Five guesses from each of ten addresses: with the six wrong passwords before, past the
    # 50 wrong passwords in a row that lock the account for 15 minutes.
    def guesses(n: int) -> list[int]:
        guesser = Browser(srv.port, f"127.0.1.{n + 1}")
        token = guesser.token()
        return [guesser.sign_in(EMAIL, f"guess {n}-{i}", token).status for i in range(5)]

    with ThreadPoolExecutor(4) as pool:
        answers = [s for batch in pool.map(guesses, range(10)) for s in batch]
    stranger = Browser(srv.port, "127.0.0.5").sign_in(EMAIL, PASSWORD)
    forged = Browser(srv.port, "127.0.0.8")
    forged.cookies["coverwatch_device"] = "forged"
    forged_reply = forged.sign_in(EMAIL, PASSWORD)
    real = usual.sign_in(EMAIL, PASSWORD)
    inside = usual.request("GET", "/app/").status
    usual.sign_out()
    ok = set(answers) == {401} and stranger.status == 401 and forged_reply.status == 401 \
        and real.status == 302 and inside == 200
    return Row("50 wrong passwords from 10 addresses (lock)", verdict(ok),
               f"guesses {statuses([Reply(s, {}, b'', 0) for s in answers])}; right password "
               f"elsewhere: {stranger.status}, with a forged device cookie: "
               f"{forged_reply.status}; usual device: {real.status}, /app/ {inside}")


def parallel_guesses(srv: Server, usual: Browser) -> Row:
    parallel = 30
    gate = threading.Barrier(parallel + 1)
    browsers = [Browser(srv.port, "127.0.0.7") for _ in range(parallel)]
    tokens = [b.token() for b in browsers]

    def guess(n: int) -> Reply:
        gate.wait()
        return browsers[n].sign_in(EMAIL, f"parallel guess {n}", tokens[n])

    probes: list[float] = []
    with ThreadPoolExecutor(parallel) as pool:
        futures = [pool.submit(guess, n) for n in range(parallel)]
        gate.wait()
        while not all(f.done() for f in futures):
            probes.append(call(srv.port, "GET", "/healthz").ms)
            time.sleep(0.02)
        replies = [f.result() for f in futures]
    probes.append(call(srv.port, "GET", "/healthz").ms)
    slowest = max(r.ms for r in replies)
    real = usual.sign_in(EMAIL, PASSWORD)
    usual.sign_out()
    found = sorted(r.status for r in replies)
    retry = next((r.headers.get("retry-after") for r in replies if r.status == 429), None)
    ok = found == [401] * 5 + [429] * (parallel - 5) and max(probes) < 1000 \
        and real.status == 302
    return Row(f"{parallel} parallel wrong passwords, one address", verdict(ok),
               f"{statuses(replies)} (Retry-After {retry} s), slowest {slowest:.0f} ms; "
               f"/healthz meanwhile ≤ {max(probes):.0f} ms over {len(probes)} probes; "
               f"real user elsewhere: {real.status}")


# 10: tenancy, and what needs payer stand-ins -----------------------------------------------

def other_practice_reads(srv: Server) -> Row:
    coverage = srv.api("GET", f"/v1/coverages/{srv.coverage_id}", key=srv.key).json()
    patient_id = coverage.get("patient_id", str(uuid.uuid4()))
    check = srv.api("POST", "/v1/eligibility-checks", key=srv.key,
                    payload={"coverage_id": srv.coverage_id}).json()
    check_id = check.get("id", str(uuid.uuid4()))
    tries = {
        "patient": srv.api("GET", f"/v1/patients/{patient_id}", key=srv.second_key),
        "coverage": srv.api("GET", f"/v1/coverages/{srv.coverage_id}", key=srv.second_key),
        "check": srv.api("GET", f"/v1/eligibility-checks/{check_id}", key=srv.second_key),
        "new check": srv.api("POST", "/v1/eligibility-checks", key=srv.second_key,
                             payload={"coverage_id": srv.coverage_id, "force": True}),
        "its authorizations": srv.api("GET", f"/v1/coverages/{srv.coverage_id}/authorizations",
                              key=srv.second_key),
    }
    listed = srv.api("GET", "/v1/patients", key=srv.second_key).json()
    ok = all(r.status == 404 for r in tries.values()) and listed.get("total") == 0
    return Row("second practice reads the first's records", verdict(ok),
               ", ".join(f"{k} {r.status}" for k, r in tries.items())
               + f"; its patient list total {listed.get('total')}")


def other_practice_runs(srv: Server) -> Row:
    own = srv.api("GET", f"/v1/reverification-runs/{srv.run_id}", key=srv.key)
    theirs = srv.api("GET", f"/v1/reverification-runs/{srv.run_id}", key=srv.second_key)
    never = srv.api("GET", f"/v1/reverification-runs/{uuid.uuid4()}", key=srv.second_key)
    listed = srv.api("GET", "/v1/reverification-runs", key=srv.second_key).json()
    ok = own.status == 200 and theirs.status == 404 and theirs.body == never.body \
        and listed.get("total") == 0
    return Row("second practice asks for the first's run", verdict(ok),
               f"owner {own.status}; other: {theirs.status}, same body as an unknown id: "
               f"{theirs.body == never.body}; its run list total {listed.get('total')}")


def audit_ids(srv: Server) -> Row:
    items = srv.api("GET", "/v1/audit-events?page_size=50", key=srv.key).json().get("items", [])
    ids = [str(item.get("id")) for item in items]

    def is_v4(value: str) -> bool:
        try:
            return uuid.UUID(value).version == 4
        except ValueError:
            return False

    ok = bool(ids) and all(is_v4(i) for i in ids)
    return Row("audit ids reveal others' activity", verdict(ok),
               f"{len(ids)} ids, all random UUIDs (v4): {ok}")


COVERED = [
    ("payer 307/302 redirects", "tests/integration/payers/test_redirects.py", [
        "test_a_redirect_from_the_payer_is_an_envelope_error_and_its_target_gets_nothing",
        "test_a_redirect_from_the_token_url_is_refused_and_the_client_secret_goes_nowhere_else",
        "test_a_redirect_to_another_path_of_the_same_payer_is_not_followed_either"]),
    ("circuit breaker fairness", "tests/unit/payers/test_breaker_fairness.py", [
        "test_one_practice_failing_on_many_coverages_stops_only_itself",
        "test_a_payer_wide_outage_still_opens_the_circuit_for_everyone"]),
    ("route concurrency and thread shares", "tests/integration/payers/test_route_shares.py", [
        "test_a_practice_past_its_share_of_a_route_fails_fast_and_others_keep_theirs",
        "test_a_slow_payer_holds_at_most_its_share_of_threads_and_the_rest_are_answered_at_once"]),
    ("rate limit with a moving clock", "tests/api/test_check_rate_limit.py", [
        "test_past_its_burst_a_practice_gets_429_with_retry_after_until_the_clock_moves"]),
    ("runs over two practices", "tests/api/test_run_tenancy.py", [
        "test_a_run_over_both_practices_counts_only_each_practices_own_coverages"]),
]


def covered_by_tests() -> list[Row]:
    """Attacks that need a payer stand-in: the tests that cover them (which must exist)."""
    rows = []
    for name, path, tests in COVERED:
        text = (ROOT / path).read_text() if (ROOT / path).exists() else ""
        missing = [t for t in tests if f"def {t}(" not in text]
        if missing:
            rows.append(Row(name, "FAIL", f"{path}: no {', '.join(missing)}"))
        else:
            rows.append(Row(name, "covered by test",
                            f"{path}::{tests[0]}" + (f" (+{len(tests) - 1})"
                                                      if len(tests) > 1 else "")))
    return rows


# 11: live-check rate limit -----------------------------------------------------------------

def check_burst(srv: Server) -> Row:
    sent = CHECK_BURST * WORKERS * 2
    replies = [srv.api("POST", "/v1/eligibility-checks", key=srv.key,
                       payload={"coverage_id": srv.coverage_id, "force": True})
               for _ in range(sent)]
    limited = [r for r in replies if r.status == 429]
    first = limited[0] if limited else None
    reason = first.json().get("errors", {}).get("reason") if first else None
    retry = first.headers.get("retry-after", "") if first else ""
    # Another practice's live check is not held back by the first one's flood.
    patient = srv.api("POST", "/v1/patients", key=srv.second_key, payload={
        "first_name": "Bench", "last_name": "Second", "birth_date": "1985-06-15",
        "gender": "U"}).json()
    coverage = srv.api("POST", f"/v1/patients/{patient.get('id')}/coverages",
                       key=srv.second_key, payload={"payer": "sandbox",
                                                    "member_id": "ZZT0000001",
                                                    "relationship": "self"}).json()
    other = srv.api("POST", "/v1/eligibility-checks", key=srv.second_key,
                    payload={"coverage_id": coverage.get("id"), "force": True})
    started = sum(r.status in (200, 201) for r in replies)
    ok = bool(limited) and retry.isdigit() and reason == "CHECK_RATE_LIMITED" \
        and started <= CHECK_BURST * WORKERS and all(r.status in (201, 429) for r in replies) \
        and other.status == 201
    return Row(f"{sent} forced checks, CHECK_BURST={CHECK_BURST}", verdict(ok),
               f"{statuses(replies)}; Retry-After {retry or '-'} s, reason {reason}; "
               f"the other practice's check meanwhile: {other.status}")


# -------------------------------------------------------------------------------------------

def prepare(work: Path, port: int) -> tuple[dict[str, str], Server]:
    """Database, demo practice, a second practice, a staff account and a run: all by CLI."""
    token = secrets.token_urlsafe(24)
    demo = migrate_and_seed(work, port, {
        "METRICS_TOKEN": token, "CHECK_BURST": str(CHECK_BURST),
        "CHECK_RATE_PER_MINUTE": "1", "WEB_CONCURRENCY": str(WORKERS)})
    flask_cli(demo.env, "create-user", "--practice", demo.practice_id, "--email", EMAIL,
              "--role", "admin", stdin=PASSWORD + "\n")
    second = flask_cli(demo.env, "create-practice", "--name", "Second Bench Practice",
                       "--npi", SECOND_NPI).splitlines()[-1].strip()
    second_key = flask_cli(demo.env, "create-api-key", "--practice", second,
                           "--scopes", "read,write,admin", "--label", "bench").splitlines()[-1]
    run = json.loads(flask_cli(demo.env, "reverify", "--all", "--practice", demo.practice_id,
                               "--json").splitlines()[-1])
    return demo.env, Server(port=port, pid=0, log_path=work / "gunicorn.log", key=demo.key,
                            practice_id=demo.practice_id, coverage_id=demo.coverage_id,
                            metrics_token=token, second_key=second_key.strip(),
                            run_id=run["run_id"])


def attacks(srv: Server) -> list[tuple[str, Row]]:
    tail = LogTail(srv.log_path)
    usual = Browser(srv.port, "127.0.0.2")  # the real user's browser
    numbered: list[tuple[str, list[Row] | Row]] = [
        ("1", large_unauthenticated_body(srv, tail)),
        ("2", small_unauthenticated_bodies(srv, tail)),
        ("3", oversized_bodies(srv)),
        ("4", metrics_attacks(srv)),
        ("5", deep_nesting(srv)),
        ("6", foreign_digits(srv)),
        ("7", forecast_past_9999(srv)),
        ("8", [session_after_sign_out(srv, usual), wrong_passwords(srv, usual),
               long_email(srv), lock_and_device(srv, usual)]),
        ("9", parallel_guesses(srv, usual)),
        ("10", [other_practice_reads(srv), other_practice_runs(srv), audit_ids(srv),
                *covered_by_tests()]),
        ("11", check_burst(srv)),
    ]
    rows: list[tuple[str, Row]] = []
    for number, found in numbered:
        group = found if isinstance(found, list) else [found]
        for i, row in enumerate(group):
            rows.append((number + ("abcdefgh"[i] if len(group) > 1 else ""), row))
    return rows


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="coverwatch-attack-"))
    server = None
    try:
        port = free_port()
        env, srv = prepare(work, port)
        server, srv.log_path = start_gunicorn(work, env)
        srv.pid = server.pid
        wait_for(f"http://127.0.0.1:{port}/readyz")
        rows = attacks(srv)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(row.name) for _, row in rows)
    print(f"{'#':<4}{'attack':<{width + 2}}{'verdict':<17}what came back")
    for number, row in rows:
        print(f"{number:<4}{row.name:<{width + 2}}{row.verdict:<17}{row.detail}")
    failed = [number for number, row in rows if row.verdict == "FAIL"]
    print(f"{len(rows)} lines: {sum(r.verdict == 'PASS' for _, r in rows)} PASS, "
          f"{sum(r.verdict == 'covered by test' for _, r in rows)} covered by test, "
          f"{len(failed)} FAIL{' (' + ', '.join(failed) + ')' if failed else ''}; "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
