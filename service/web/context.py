"""Access to the app's wiring (engine, clock, payer directory) from inside a request."""

from __future__ import annotations

from typing import Any

from flask import current_app

from service.wiring import Wiring


def ext() -> Wiring:
    wiring: Wiring = current_app.extensions["coverwatch"]
    return wiring


def page_window(args: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) for the page and page_size query arguments."""
    return (args["page"] - 1) * args["page_size"], args["page_size"]
