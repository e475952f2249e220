"""Flask commands of the nightly re-verification: `reverify` and the queue's `worker`."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import uuid
from types import FrameType
from typing import Any

import click

from service import db_status
from service.domain.reverification import Selection
from service.practice import practices
from service.reverify import report, runs
from service.reverify.items import Outcome
from service.reverify.runner import Runner
from service.reverify.setup import deps_for, queue_for
from service.wiring import Wiring, current_wiring

log = logging.getLogger("coverwatch.reverify")
EXIT_FINISHED, EXIT_FAILED, EXIT_STOPPED = 0, 1, 3
PROGRESS_EVERY = 100


def _die(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_FAILED)


@click.command("reverify")
@click.option("--within-days", type=click.IntRange(0, 366), default=14, show_default=True,
              help="Select coverages with a visit scheduled within this many days.")
@click.option("--older-than-hours", type=click.FloatRange(0, 24 * 366), default=None,
              help="...whose last answer is older than this [default: 72; none with --all].")
@click.option("--all", "every", is_flag=True,
              help="Every coverage not known to be inactive, visits or not.")
@click.option("--practice", "practice_id", type=click.UUID, help="Only this practice.")
@click.option("--dry-run", is_flag=True, help="List what would be checked; check nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
@click.option("--resume", "resume_id", type=click.UUID, help="Continue this run.")
@click.option("--enqueue", is_flag=True,
              help="Create the run and queue its checks for `flask worker` (needs REDIS_URL).")
@click.option("--max-attempts", type=click.IntRange(1, 10), default=3, show_default=True,
              help="Attempts per coverage when the payer asks to resubmit or times out.")
def reverify(within_days: int, older_than_hours: float | None, every: bool,
             practice_id: uuid.UUID | None, dry_run: bool, as_json: bool,
             resume_id: uuid.UUID | None, enqueue: bool, max_attempts: int) -> None:
    """Re-check coverages with upcoming visits; exit 0 finished, 1 could not run, 3 stopped.

    Running it again after a crash (or with --resume) continues the unfinished run: every
    selected coverage is checked exactly once.
    """
    wiring = current_wiring()
    if older_than_hours is None and not every:
        older_than_hours = 72.0
    chosen = Selection(within_days=within_days, older_than_hours=older_than_hours,
                       every_active=every, practice_id=practice_id)
    try:
        with db_status.unusable_as_error():
            if practice_id is not None and not practices.exists(uow=wiring.uow(),
                                                                practice_id=practice_id):
                _die(f"no practice {practice_id}")
            if dry_run:
                _dry_run(wiring, chosen, as_json)
                return
            code = _run(wiring, chosen, as_json=as_json, resume_id=resume_id, enqueue=enqueue,
                        max_attempts=max_attempts)
    except runs.RunError as error:
        _die(str(error))
    except db_status.DatabaseUnusable as error:
        _die(f"the database could not be used ({error}); check DATABASE_URL "
             "and run `flask db upgrade`")
    sys.exit(code)


def _dry_run(wiring: Wiring, chosen: Selection, as_json: bool) -> None:
    count = 0
    rows = runs.preview(uow=wiring.uow(), selection=chosen, now=wiring.clock())
    if as_json:
        click.echo('{"dry_run": true, "coverages": [', nl=False)
    for coverage_id, practice, payer, next_visit in rows:
        line = {"coverage_id": str(coverage_id), "practice_id": str(practice),
                "payer": payer, "next_visit": next_visit.isoformat() if next_visit else None}
        if as_json:
            click.echo(("," if count else "") + json.dumps(line), nl=False)
        else:
            click.echo(f"{line['coverage_id']}  {payer:<20} next visit "
                       f"{line['next_visit'] or '-'}")
        count += 1
    if as_json:
        click.echo(f'], "selected": {count}}}')
    else:
        click.echo(f"{_coverages(count)} would be checked", err=True)


def _run(wiring: Wiring, chosen: Selection, *, as_json: bool,
         resume_id: uuid.UUID | None, enqueue: bool, max_attempts: int) -> int:
    queue = queue_for(wiring)
    if enqueue and queue is None:
        _die("--enqueue needs REDIS_URL (the job queue); without it, run without --enqueue")
    requested_by = "cli:reverify"
    if resume_id is not None:
        run = runs.get(wiring.uow, resume_id, practice_id=chosen.practice_id)
        run_id, mode = run.id, run.mode
        if run.status == "finished":
            click.echo(f"run {run_id} is already finished", err=True)
            return _report(wiring, run_id, as_json, EXIT_FINISHED, chosen.practice_id)
        max_attempts = int(run.options.get("max_attempts", max_attempts))
    elif not enqueue and (found := runs.resumable(wiring.uow, wiring.clock,
                                                  practice_id=chosen.practice_id)):
        run_id, mode = found, "inline"
        click.echo(f"continuing unfinished run {run_id}", err=True)
    else:
        mode = "queue" if enqueue else "inline"
        run_id, selected = runs.create(wiring.uow, wiring.clock, chosen, mode=mode,
                                       requested_by=requested_by, max_attempts=max_attempts)
        click.echo(f"run {run_id}: {_coverages(selected)} selected", err=True)
    if mode == "queue":
        if queue is None:
            _die(f"run {run_id} is a queue run and REDIS_URL is not set")
        assert queue is not None  # noqa: S101 - _die exited
        sent = queue.enqueue_run(wiring.uow, run_id)
        click.echo(f"run {run_id}: {sent} checks queued for `flask worker`", err=True)
        return _report(wiring, run_id, as_json, EXIT_FINISHED, chosen.practice_id)
    return _inline(wiring, run_id, as_json=as_json, max_attempts=max_attempts,
                   practice_id=chosen.practice_id)


def _inline(wiring: Wiring, run_id: uuid.UUID, *, as_json: bool, max_attempts: int,
            practice_id: uuid.UUID | None) -> int:
    stop = threading.Event()
    total = runs.unfinished(wiring.uow, run_id)
    progress = _Progress(run_id, total)
    runner = Runner(deps_for(wiring, max_attempts=max_attempts), run_id,
                    on_item=progress.update, stop=stop)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        click.echo("stopping after the checks in flight...", err=True)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        status = runner.run()
    finally:
        progress.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return _report(wiring, run_id, as_json,
                   EXIT_FINISHED if status == "finished" else EXIT_STOPPED, practice_id)


class _Progress:
    """A bar on a terminal; otherwise a log line every PROGRESS_EVERY finished checks."""

    def __init__(self, run_id: uuid.UUID, total: int) -> None:
        self.run_id, self.total, self.finished = run_id, total, 0
        self.bar: Any = None
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="re-verifying", file=sys.stderr)
            self.bar.__enter__()

    def update(self, outcome: Outcome) -> None:
        if outcome.state not in ("done", "deferred"):
            return
        self.finished += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.finished % PROGRESS_EVERY == 0 or self.finished == self.total:
            log.info("reverify run %s: %d of %d coverages checked", self.run_id,
                     self.finished, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _report(wiring: Wiring, run_id: uuid.UUID, as_json: bool, code: int,
            practice_id: uuid.UUID | None) -> int:
    """The run's report; with --practice, that practice's part of it only."""
    summary = report.of_run(uow=wiring.uow(), run_id=run_id, now=wiring.clock(),
                            practice_id=practice_id)
    if as_json:
        keys = ("run_id", "status", "selected", "checked", "active", "inactive", "rejected",
                "errors", "deferred", "retrying", "remaining", "changed", "seconds", "changes")
        click.echo(json.dumps({k: summary[k] for k in keys}))
    else:
        click.echo(_text(summary))
    return code


def _text(summary: dict[str, Any]) -> str:
    lines = [
        f"Run {summary['run_id']} {summary['status']} in {summary['seconds']:.1f} s: "
        f"{summary['selected']} selected, {summary['checked']} checked — {summary['active']} "
        f"active, {summary['inactive']} inactive, {summary['rejected']} rejected, "
        f"{summary['errors']} errors, {summary['deferred']} deferred to the next run; "
        f"{summary['changed']} changed."]
    if summary["retrying"] or summary["remaining"]:
        lines.append(f"Not finished: {summary['retrying']} waiting to retry, "
                     f"{summary['remaining']} not yet checked.")
    for change in summary["changes"]:
        lines.append(f"  coverage {change['coverage_id']}: {change['label']}: "
                     f"{change['before']} -> {change['after']}")
    return "\n".join(lines)


@click.command("worker")
@click.option("--threads", type=click.IntRange(1, 256), default=20, show_default=True,
              help="Checks in flight in this process (payer caps still hold across workers).")
@click.option("--max-attempts", type=click.IntRange(1, 10), default=3, show_default=True)
def worker(threads: int, max_attempts: int) -> None:
    """Work queued re-verification checks until stopped (SIGTERM or Ctrl-C)."""
    wiring = current_wiring()
    queue = queue_for(wiring)
    if queue is None:
        _die("the worker needs REDIS_URL (the job queue)")
    assert queue is not None  # noqa: S101 - _die exited
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())
    running = queue.worker(deps_for(wiring, max_attempts=max_attempts), threads)
    running.start()
    click.echo(f"worker started with {threads} threads", err=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        running.stop()
    click.echo("worker stopped", err=True)


def register(app: Any) -> None:
    app.cli.add_command(reverify)
    app.cli.add_command(worker)


def _coverages(count: int) -> str:
    return f"{count} coverage" if count == 1 else f"{count} coverages"
