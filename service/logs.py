"""JSON-lines logging with the request id, and a filter that keeps patient data out of it."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import IO, Any

from flask import g, has_request_context

REDACTED = "[redacted]"
# Values in log text that look like dates of birth are redacted whether or not they were seen.
DATE_PATTERNS = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|(?:19|20)\d{6})\b")
# Keys that carry patient data: their values are remembered per request and scrubbed from logs.
PHI_KEYS = frozenset(
    {"first_name", "last_name", "birth_date", "member_id", "q", "external_id", "name"}
)
# Only these record attributes may be added to a log line as extra fields.
EXTRA_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "event", "count")
_HANDLER_NAME = "coverwatch"


def remember_phi(payload: Any) -> None:
    """Note the PHI values of this request's input so that no log line repeats them."""
    if not has_request_context():
        return
    values: set[str] = g.setdefault("phi_values", set())
    _collect(payload, values)


def _collect(payload: Any, values: set[str]) -> None:
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in PHI_KEYS and isinstance(value, str | int) and len(str(value)) >= 2:
                values.add(str(value))
            else:
                _collect(value, values)
    elif isinstance(payload, list):
        for item in payload:
            _collect(item, values)


def scrub(text: str) -> str:
    if has_request_context():
        for value in sorted(g.get("phi_values", ()), key=len, reverse=True):
            text = re.sub(re.escape(value), REDACTED, text, flags=re.IGNORECASE)
    return DATE_PATTERNS.sub(REDACTED, text)


class PhiFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with patient data removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, default=str)


def configure(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Install the one JSON handler on the root logger (idempotent: a second call reuses it)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            logging.getLogger("coverwatch").setLevel(level)
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(PhiFilter())
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    if root.level == logging.WARNING:
        root.setLevel(logging.INFO)
    logging.getLogger("coverwatch").setLevel(level)
    return handler
