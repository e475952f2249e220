"""The app served over real HTTP on a free port of 127.0.0.1, in a thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from flask import Flask
from werkzeug.serving import make_server


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
