"""Every log line the suite produces, through the service's own handler and PHI filter, and
the scan of each test's lines for the synthetic people's data."""

from __future__ import annotations

import io
import logging
import re

from service import logs
from tests.support.people import PEOPLE, Person

BUFFER = io.StringIO()
_handler: logging.Handler | None = None
lines_seen = 0  # over the session: a scan of nothing would prove nothing


def install() -> None:
    global _handler
    _handler = logs.configure("DEBUG", stream=BUFFER)


def take() -> str:
    """What was logged since the last take; the buffer is emptied under the handler's lock,
    so a line a thread writes meanwhile lands in the next take, not nowhere."""
    global lines_seen
    assert _handler is not None, "logcapture.install() was not called"
    _handler.acquire()
    try:
        text = BUFFER.getvalue()
        BUFFER.seek(0)
        BUFFER.truncate(0)
    finally:
        _handler.release()
    lines_seen += text.count("\n")
    return text


def _forms(person: Person) -> list[str]:
    year, month, day = person.birth_date.split("-")
    return [person.first_name, person.last_name, person.member_id, person.birth_date,
            f"{year}{month}{day}", f"{month}/{day}/{year}"]


_PATTERN = re.compile("|".join(re.escape(form) for person in PEOPLE for form in _forms(person)),
                      re.IGNORECASE)


def leaks(text: str) -> list[str]:
    """The lines of `text` that carry a synthetic person's name, birth date or member id."""
    return [line for line in text.splitlines() if _PATTERN.search(line)]
