"""Reader results as JSON-ready dicts: dates as ISO strings, decimals as strings."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples, dates and decimals turned into what ``json.dumps`` accepts.

    Decimals become strings rather than floats so that "0.20" and "12" survive unchanged.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
