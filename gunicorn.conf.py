"""gunicorn settings for Coverwatch (`gunicorn -c gunicorn.conf.py wsgi:app`)."""

import os
import secrets
import shutil
import tempfile

bind = os.environ.get("BIND", "0.0.0.0:8000")  # noqa: S104 - a container listens on all interfaces
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads mostly wait on payers (up to 20 s each), so a worker keeps many. One payer route
# may hold at most PAYER_THREAD_SHARE of them (service/config.py reads the same variable).
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# Payer calls may take up to 60 s; the worker must outlive them.
timeout = 75
graceful_timeout = 30
# gunicorn's access line would print query strings (a name search is ?q=<name>); the app
# writes its own JSON access line with the route template instead.
accesslog = None
errorlog = "-"

# Every worker must sign the web app's session cookies with the same key, or a session
# started in one worker is refused by the next. Without SECRET_KEY, this server's workers
# share one made here (sessions then end when the server restarts).
os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))

# Every worker writes its metrics to this folder; /metrics adds them up. The app reads the
# folder from its configuration (service/config.py), but this stays an environment variable:
# prometheus_client itself reads it, when first imported in each worker, to keep its counts in
# files there. That is also why its import below waits for the hook.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "coverwatch-metrics")
)
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)



def post_worker_init(worker):
    # Each worker delivers webhook events from its own threads (or queues them for
    # `flask webhooks worker` when REDIS_URL is set); `flask` commands importing the app
    # start no delivery. (bench/ serves its bare floor app with this file too: no wiring.)
    wiring = getattr(worker.wsgi, "extensions", {}).get("coverwatch")
    if wiring is not None:
        wiring.start_webhooks()
