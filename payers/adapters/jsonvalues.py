"""Reading values out of a clearinghouse's JSON reply: codes, text, numbers, objects.

Shared by the JSON mappings (clearinghouse v3 shape, Availity); each refuses what would
carry free text where a code belongs, and none quotes a value in its errors.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

CODE = re.compile(r"^[0-9A-Z]{1,3}$")


class ReplyShapeError(ValueError):
    """The JSON does not have the shape of an eligibility reply; never quotes values."""


def json_object(data: bytes) -> dict[str, Any]:
    """A reply body that must be a JSON object."""
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise ReplyShapeError("the reply is not JSON") from exc
    if not isinstance(body, dict):
        raise ReplyShapeError("the reply is not a JSON object")
    return body


def object_at(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def code_of(value: Any) -> str:
    text = str(value or "")
    return text if CODE.match(text) else ""


def text_of(value: Any) -> str:
    """A value as the reply gives it, without surrounding spaces ('' when absent)."""
    return str(value).strip() if value is not None else ""


def decimal_of(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ReplyShapeError("an amount, percent or quantity is not a number") from exc
    if not number.is_finite():
        raise ReplyShapeError("an amount, percent or quantity is not a number")
    return number


def date_of(value: Any) -> date | None:
    """A date written YYYYMMDD or YYYY-MM-DD; None for anything else."""
    text = str(value or "").replace("-", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
