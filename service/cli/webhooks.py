"""Flask commands of webhook delivery: `webhooks deliver` (the runner, in the foreground) and
`webhooks worker` (the Dramatiq worker that delivers when REDIS_URL is set)."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import click

from service.wiring import current_wiring


def _until_stopped() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())
    return stop


@click.group("webhooks")
def webhooks() -> None:
    """Deliver webhook events (docs/webhooks.md)."""


@webhooks.command("deliver")
def deliver() -> None:
    """Find due deliveries and send them until stopped: what the server does on its own
    threads, for a deployment that runs it apart (with REDIS_URL, it queues them for
    `flask webhooks worker`)."""
    runner = current_wiring().start_webhooks()
    stop = _until_stopped()
    click.echo("webhook runner started", err=True)
    while not stop.wait(1.0):
        pass
    runner.stop()
    click.echo("webhook runner stopped", err=True)


@webhooks.command("worker")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Endpoints delivered to at once by this process.")
def worker(threads: int) -> None:
    """Deliver the endpoints the runners queue on Redis, until stopped (SIGTERM, Ctrl-C)."""
    wiring = current_wiring()
    queue = wiring.webhook_queue()
    if queue is None:
        click.echo("Error: the worker needs REDIS_URL (the job queue)", err=True)
        sys.exit(1)
    running = queue.worker(wiring.deliverer, threads)
    running.start()
    stop = _until_stopped()
    click.echo(f"webhook worker started with {threads} threads", err=True)
    while not stop.wait(1.0):
        pass
    running.stop()
    click.echo("webhook worker stopped", err=True)


def register(app: Any) -> None:
    app.cli.add_command(webhooks)
