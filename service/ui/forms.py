"""HTML forms into the API's input shapes, checked by the API's own schemas.

A form posts flat strings; the schemas (schemas/) expect the JSON the API takes. Turning
one into the other here means a form is validated by exactly the rules the API applies,
and its messages come back per field for the page to show beside each input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma

from service import logs

REQUIRED = "Missing data for required field."


def pick(form: Mapping[str, str], names: Iterable[str], *, ints: Iterable[str] = (),
         lists: Iterable[str] = ()) -> dict[str, Any]:
    """The named fields that were filled in, trimmed; integers and lists as the API takes
    them (a list field is typed as words separated by commas or spaces)."""
    data: dict[str, Any] = {}
    for name in names:
        value = form.get(name, "").strip()
        if not value:
            continue
        if name in ints:
            data[name] = int(value) if re.fullmatch(r"-?\d{1,9}", value) else value
        elif name in lists:
            data[name] = [part.upper() for part in re.split(r"[\s,]+", value) if part]
        else:
            data[name] = value
    return data


def load(schema: ma.Schema, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(loaded data, {} ) or ({}, field messages); PHI in the input never reaches a log."""
    try:
        loaded = schema.load(data)
    except ma.ValidationError as error:
        return {}, flatten(error.messages)
    # Views that load forms are signed in; only validated values teach the log filter.
    logs.remember_phi(loaded)
    return loaded, {}


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"subscriber": {"first_name": [...]}} -> {"subscriber_first_name": [...]}; messages of
    list items ({"codes": {0: [...]}}) go to the list's own field."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}_{key}" if prefix and isinstance(key, str) else (
                prefix or str(key))
            for field, texts in flatten(value, name).items():
                flat.setdefault(field, []).extend(texts)
    else:
        texts = messages if isinstance(messages, list) else [messages]
        flat[prefix or "_form"] = [
            "This field is required." if t == REQUIRED else str(t) for t in texts]
    return flat
