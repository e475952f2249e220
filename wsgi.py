"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""

import gc

from service import create_app

app = create_app()
# What the app holds from here on lives as long as the process: leave it out of the
# collector's full passes, each of which would otherwise walk all of it while every thread
# of the worker waits (tens to hundreds of milliseconds on a busy machine).
gc.freeze()
