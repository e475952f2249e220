"""The floor of bench/verdicts.py: a bare Flask JSON endpoint, served by gunicorn like wsgi:app.

It reads the same JSON body as POST /v1/visits/check and answers a small verdict-shaped
JSON, with no authentication, database or schema: what Flask, gunicorn and HTTP cost alone.

    gunicorn -c gunicorn.conf.py --pythonpath bench bare_app:app
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/v1/visits/check")
def check() -> dict[str, Any]:
    body = request.get_json()
    return {"status": "covered", "reasons": [], "authorization_id": None,
            "code": body.get("code") if isinstance(body, dict) else None}


@app.get("/readyz")
def ready() -> dict[str, Any]:
    return {"status": "ok"}
