"""JSON-lines logging with the request id, and a filter that keeps patient data out of it."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, date, datetime
from typing import IO, Any

from flask import g, has_request_context

REDACTED = "[redacted]"
TRUNCATED = " [truncated]"
_DATE = r"\b(?:\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|(?:19|20)\d{6})\b"
# Values in log text that look like dates of birth are redacted whether or not they were seen.
DATE_PATTERNS = re.compile(_DATE)
# Keys that carry patient data: their values are remembered per request and scrubbed from logs.
PHI_KEYS = frozenset(
    {"first_name", "last_name", "birth_date", "member_id", "q", "external_id", "name"}
)
# A request remembers at most this many values (a schema-loaded request holds a few dozen at
# most), each at most this long: the scrub pattern stays small whatever a client sends.
MAX_PHI_VALUES = 64
MAX_PHI_VALUE_LENGTH = 200
# The most a redaction can lengthen text, per character: a two-character value becomes
# REDACTED (remembered values are at least two characters long).
_MAX_GROWTH = len(REDACTED) // 2
# No log line (the whole JSON object) is longer than this; longer free text is cut.
MAX_LINE_CHARS = 16_384
# Only these record attributes may be added to a log line as extra fields.
EXTRA_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "event", "count")
_HANDLER_NAME = "coverwatch"
# A request line's query string (a FHIR search may carry a member id there).
_QUERY = re.compile(r"^(\S+ [^?\s]*)\?\S*")


def remember_phi(payload: Any) -> None:
    """Note the PHI values of this request's validated input so that no log line repeats
    them. Call it only after authentication, with schema-loaded data."""
    if not has_request_context():
        return
    values: set[str] = g.setdefault("phi_values", set())
    before = len(values)
    _collect(payload, values)
    if len(values) != before:
        g.pop("phi_pattern", None)


def _collect(payload: Any, values: set[str]) -> None:
    # Iterative, so that no input shape can exhaust the stack.
    stack = [payload]
    while stack and len(values) < MAX_PHI_VALUES:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in PHI_KEYS and isinstance(value, str | int | date):
                    text = value.isoformat() if isinstance(value, date) else str(value)
                    if 2 <= len(text) <= MAX_PHI_VALUE_LENGTH:
                        values.add(text)
                else:
                    stack.append(value)
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _pattern() -> re.Pattern[str]:
    if not has_request_context():
        return DATE_PATTERNS
    pattern: re.Pattern[str] | None = g.get("phi_pattern")
    if pattern is None:
        # One alternation, longest value first, so a line is scrubbed in a single pass and
        # the replacement text is never scanned again.
        values = sorted(g.get("phi_values", ()), key=len, reverse=True)
        parts = [f"(?i:{'|'.join(re.escape(v) for v in values)})"] if values else []
        pattern = re.compile("|".join([*parts, _DATE]))
        g.phi_pattern = pattern
    return pattern


def scrub(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """`text` with remembered values and dates redacted, cut to about `limit` characters.

    Only as much of `text` is searched as the kept output needs: a match must start before
    the cut, and the window reaches past it by the longest value (or date) a match can be.
    """
    pattern = _pattern()
    if len(text) * _MAX_GROWTH <= limit:
        # Short text (every access line): redacting it cannot outgrow the limit, so there is
        # nothing to cut and one substitution does it.
        return pattern.sub(REDACTED, text)
    reach = max([10, *(len(v) for v in g.get("phi_values", ()))]) if has_request_context() \
        else 10
    out: list[str] = []
    size = pos = 0
    while pos < len(text):
        room = limit - size
        if room <= 0:
            out.append(TRUNCATED)
            break
        match = pattern.search(text, pos, min(len(text), pos + room + reach))
        if match is None or match.start() >= pos + room:
            out.append(text[pos:pos + room])
            size += min(room, len(text) - pos)
            pos += room
            continue
        out.append(text[pos:match.start()])
        out.append(REDACTED)
        size += match.start() - pos + len(REDACTED)
        pos = match.end()
    return "".join(out)


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
        if has_request_context() and (request_id := g.get("request_id")) is not None:
            line["request_id"] = request_id
        fields = record.__dict__
        for name in EXTRA_FIELDS:
            if name in fields:
                line[name] = fields[name]
        if record.exc_text:
            line["exc"] = record.exc_text
        return _bounded(line)


# One encoder for every line: json.dumps builds a new one on each call given `default`.
_ENCODER = json.JSONEncoder(default=str)


def _bounded(line: dict[str, Any]) -> str:
    text = _ENCODER.encode(line)
    # JSON escaping can turn one character into six: cut the free text until the line fits.
    # Removing n characters shortens the line by n or more, so each cut needs one pass.
    for key in ("exc", "message"):
        excess = len(text) - MAX_LINE_CHARS
        if excess <= 0:
            break
        if key not in line:
            continue
        value = str(line[key])
        line[key] = value[:max(0, len(value) - excess - len(TRUNCATED))] + TRUNCATED
        text = _ENCODER.encode(line)
    return text


class JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that filters and formats a record before taking its lock.

    logging's own handler holds its lock while it formats and writes; with a worker's many
    threads each writing an access line, they queue on that lock (and the writer lets the
    interpreter go during the write). Here only the write itself is under the lock.
    """

    def handle(self, record: logging.LogRecord) -> bool:
        if not self.filter(record):
            return False
        try:
            line = self.format(record) + self.terminator
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)
            return True
        with self.lock:  # type: ignore[union-attr]
            try:
                self.stream.write(line)
                self.stream.flush()
            except Exception:  # noqa: BLE001
                self.handleError(record)
        return True


class QueryStringFilter(logging.Filter):
    """Cuts the query string from the request lines werkzeug's development server logs; the
    app writes its own access line with the route template (service/web/hooks.py), and
    gunicorn's is off (gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub(r"\1", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


def configure(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Install the one JSON handler on the root logger (idempotent: a second call reuses it)."""
    # No line of ours (nor gunicorn's or Dramatiq's) names the calling function or line, so
    # records need not look for them: logging walks the stack on every call otherwise (the
    # "Optimization" section of the logging HOWTO).
    logging._srcfile = None  # type: ignore[attr-defined]
    server = logging.getLogger("werkzeug")
    if not any(isinstance(f, QueryStringFilter) for f in server.filters):
        server.addFilter(QueryStringFilter())
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            logging.getLogger("coverwatch").setLevel(level)
            return handler
    handler = JsonLinesHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(PhiFilter())
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    if root.level == logging.WARNING:
        root.setLevel(logging.INFO)
    logging.getLogger("coverwatch").setLevel(level)
    return handler
