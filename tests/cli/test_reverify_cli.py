"""`flask reverify` as an operator (or cron) runs it: real processes, a real database, the
sandbox payer in process — including SIGKILL at three points and the resume after each."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from service.db.models import EligibilityCheck, ReverificationItem, ReverificationRun
from tests.conftest import ROOT
from tests.support import reverify_data as data

TODAY = datetime.now(UTC).date()


def payers_file(tmp_path: Path, *, latency_ms: int, cap: int) -> Path:
    path = tmp_path / "payers.yaml"
    path.write_text(
        "payers:\n"
        f"  - {{id: slow-sandbox, name: Slow Sandbox, payer_id: SANDBOX01, adapter: sandbox,\n"
        f"     sandbox_latency_ms: {latency_ms}, max_concurrency: {cap}}}\n")
    return path


def env_for(db_url: str, payers: Path, level: str = "WARNING") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_PREFIX")}
    return {**env, "DATABASE_URL": db_url, "COVERWATCH_PAYERS": str(payers),
            "LOG_LEVEL": level}


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "reverify", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def flask(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


def seed(db_url: str, count: int, member: str = "ZZT0000001") -> tuple[uuid.UUID, list]:
    practice = data.practice(db_url)
    ids = data.coverages(db_url, practice, [member] * count, payer="slow-sandbox",
                         visit_on=TODAY + timedelta(days=3))
    return practice, ids


def done_items(engine) -> tuple[uuid.UUID | None, int]:
    with Session(engine) as session:
        run_id = session.scalar(select(ReverificationRun.id)
                                .order_by(ReverificationRun.created_at.desc()).limit(1))
        if run_id is None:
            return None, 0
        return run_id, session.scalar(select(func.count()).select_from(ReverificationItem)
                                      .where(ReverificationItem.run_id == run_id,
                                             ReverificationItem.state == "done")) or 0


def kill_when(process: subprocess.Popen[str], engine, done_at_least: int) -> int:
    """SIGKILL the run once `done_at_least` items are done (0: as soon as the run exists)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run_id, done = done_items(engine)
        if run_id is not None and done >= done_at_least:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)  # reaps it and closes its pipes
            return done
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("the run did not get that far")


@pytest.mark.slow
@pytest.mark.crash
def test_a_run_killed_at_three_points_checks_every_coverage_exactly_once(db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=100, cap=10))
    _, coverage_ids = seed(db_url, 500)
    engine = create_engine(db_url)
    try:
        killed_at = [kill_when(start(env, "--json"), engine, 0)]
        run_id, _ = done_items(engine)
        # Running again after a crash continues the same run; so does --resume.
        killed_at.append(kill_when(start(env, "--json"), engine, 200))
        killed_at.append(kill_when(start(env, "--json"), engine, 420))
        assert killed_at[0] < 200 <= killed_at[1] < 420 <= killed_at[2] < 500, killed_at
        final = start(env, "--json", "--resume", str(run_id))
        out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err
        report = json.loads(out)
        assert report["run_id"] == str(run_id)
        assert (report["status"], report["selected"], report["checked"],
                report["active"]) == ("finished", 500, 500, 500)

        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(ReverificationRun)) == 1
            checks = session.scalars(select(EligibilityCheck).where(
                EligibilityCheck.reverification_run_id == run_id)).all()
        completed: dict[uuid.UUID, list[EligibilityCheck]] = {}
        pending: dict[uuid.UUID, list[EligibilityCheck]] = {}
        for check in checks:
            # A check a kill cut off stays pending, or is ended as abandoned by the next check
            # of the same question once its deadline has passed: either way, not an answer.
            cut_off = check.status == "pending" or check.error_code == "CHECK_ABANDONED"
            (pending if cut_off else completed).setdefault(
                check.coverage_id, []).append(check)
        assert set(completed) == set(coverage_ids)
        assert {len(found) for found in completed.values()} == {1}
        # A check cut off mid-flight may have reached the payer: never asked again sooner
        # than 90 seconds.
        assert pending, "no kill landed while a check was in flight"
        for coverage_id, cut_off in pending.items():
            [answer] = completed[coverage_id]
            assert answer.started_at - max(c.started_at for c in cut_off) >= \
                timedelta(seconds=90)
    finally:
        engine.dispose()


def test_sigterm_stops_after_the_checks_in_flight_and_exits_3(db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=300, cap=2))
    seed(db_url, 40)
    engine = create_engine(db_url)
    try:
        process = start(env, "--json")
        deadline = time.monotonic() + 60
        while done_items(engine)[1] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 3, err
        report = json.loads(out)
        assert report["status"] == "stopped" and 2 <= report["checked"] < 40
        assert report["remaining"] == 40 - report["checked"]
        again = flask(env, "reverify", "--json")
        assert again.returncode == 0, again.stderr
        assert "continuing unfinished run" in again.stderr
        assert json.loads(again.stdout)["checked"] == 40
    finally:
        engine.dispose()


def test_dry_run_lists_the_selection_and_checks_nothing(db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=0, cap=5))
    practice, ids = seed(db_url, 3)
    listed = flask(env, "reverify", "--dry-run", "--json")
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    assert body["selected"] == 3 and {c["coverage_id"] for c in body["coverages"]} == {
        str(i) for i in ids}
    assert body["coverages"][0]["next_visit"] == (TODAY + timedelta(days=3)).isoformat()
    text = flask(env, "reverify", "--dry-run", "--practice", str(practice))
    assert text.returncode == 0 and len(text.stdout.strip().splitlines()) == 3
    assert "3 coverages would be checked" in text.stderr
    other, _ = seed(db_url, 1)
    one = flask(env, "reverify", "--dry-run", "--practice", str(other))
    assert one.returncode == 0 and "1 coverage would be checked" in one.stderr
    engine = create_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReverificationRun)) == 0
    engine.dispose()


def test_json_report_and_a_log_line_per_100_checks_off_a_terminal(db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=0, cap=10), level="INFO")
    seed(db_url, 250)
    result = flask(env, "reverify", "--json", "--within-days", "7")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= {"run_id", "selected", "checked", "active", "inactive", "rejected",
                           "errors", "changed", "seconds", "changes"}
    assert (report["selected"], report["checked"], report["active"]) == (250, 250, 250)
    progress = [json.loads(line)["message"] for line in result.stderr.splitlines()
                if '"coverwatch.reverify"' in line]
    assert [p.split(": ", 1)[1] for p in progress] == [
        "100 of 250 coverages checked", "200 of 250 coverages checked",
        "250 of 250 coverages checked"]
    again = flask(env, "reverify")  # everything is fresh now: nothing to do
    assert again.returncode == 0 and "0 selected" in again.stdout


def test_what_cannot_run_exits_1_with_a_reason(db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=0, cap=5))
    cases = {
        ("reverify", "--practice", str(uuid.uuid4())): "no practice",
        ("reverify", "--resume", str(uuid.uuid4())): "no re-verification run",
        ("reverify", "--enqueue"): "needs REDIS_URL",
        ("worker",): "needs REDIS_URL",
    }
    for args, message in cases.items():
        result = flask(env, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr
    broken = flask({**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}, "reverify")
    assert broken.returncode == 1 and "flask db upgrade" in broken.stderr


def test_with_practice_the_report_of_a_run_over_every_practice_is_that_practices_part(
        db_url, tmp_path):
    env = env_for(db_url, payers_file(tmp_path, latency_ms=0, cap=10))
    mine, _ = seed(db_url, 2)
    seed(db_url, 3)
    whole = flask(env, "reverify", "--json")
    assert whole.returncode == 0, whole.stderr
    run = json.loads(whole.stdout)
    assert run["selected"] == 5
    part = flask(env, "reverify", "--resume", run["run_id"], "--practice", str(mine), "--json")
    assert part.returncode == 0, part.stderr
    assert (json.loads(part.stdout)["selected"], json.loads(part.stdout)["checked"]) == (2, 2)
    stranger = data.practice(db_url, "No Part In It")
    refused = flask(env, "reverify", "--resume", run["run_id"], "--practice", str(stranger))
    assert refused.returncode == 1 and "no re-verification run" in refused.stderr
