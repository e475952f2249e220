"""FHIR search parameters, as the filters of our lists (service/db/lists.py).

Each resource type takes the parameters in SEARCHES; an unknown parameter or an unreadable
value is refused (InvalidInput keyed by the parameter), not ignored: a typo must not list
every record. A parameter is given once; `created` may be given twice (a range).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from service.domain.errors import InvalidInput
from service.fhir.codes import PAYER_SYSTEM

COUNT_DEFAULT, COUNT_MAX = 50, 200
# Parameters of every search: page size and the page token of a Bundle's links.
CONTROL = frozenset({"_count", "_page"})
DATE_RE = re.compile(r"^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))?)$")
Filters = dict[str, Any]


@dataclass(frozen=True)
class Search:
    """A search as our list reads it: the list's name, its order and its filters."""

    resource: str
    list_name: str
    order: str
    filters: Filters
    count: int


def _token(value: str, _name: str) -> str:
    """A token's value: `value` or `system|value` (identifiers are stored without a system,
    so any system matches)."""
    return value.rpartition("|")[2]


def _reference(kind: str) -> Callable[[str, str], uuid.UUID]:
    def read(value: str, name: str) -> uuid.UUID:
        prefix, _, rest = value.rpartition("/")
        try:
            if prefix and prefix.rsplit("/", 1)[-1] != kind:
                raise ValueError(kind)
            return uuid.UUID(rest)
        except ValueError:
            raise InvalidInput({name: [f"Give a {kind} id, or {kind}/<id>."]}) from None
    return read


def _payor(value: str, name: str) -> str:
    system, bar, code = value.rpartition("|")
    if bar and system not in ("", PAYER_SYSTEM):
        raise InvalidInput({name: [f"Payers are identified in {PAYER_SYSTEM}."]})
    return code


# Per resource type: its list, the list's order, and each parameter's filter and reader.
SEARCHES: dict[str, tuple[str, str, dict[str, tuple[str, Callable[[str, str], Any]]]]] = {
    "Patient": ("patients", "created", {"identifier": ("external_id", _token)}),
    "Coverage": ("coverages", "created", {
        "identifier": ("member_id", _token), "subscriber-id": ("member_id", _token),
        "patient": ("patient_id", _reference("Patient")),
        "beneficiary": ("patient_id", _reference("Patient")), "payor": ("payer", _payor)}),
    "CoverageEligibilityResponse": ("checks", "newest", {
        "patient": ("patient_id", _reference("Patient")),
        "request": ("id", _reference("CoverageEligibilityRequest"))}),
}
# Search parameters each type supports (the CapabilityStatement lists them).
PARAMETERS = {kind: (*params, *(("created",) if kind == "CoverageEligibilityResponse" else ()))
              for kind, (_, _, params) in SEARCHES.items()}


def parse(resource: str, args: Mapping[str, Sequence[str]]) -> Search:
    """The search `args` (each parameter's values) ask for on `resource`."""
    list_name, order, params = SEARCHES[resource]
    filters: Filters = {}
    for name, values in args.items():
        if name in CONTROL:
            continue
        if name == "created" and resource == "CoverageEligibilityResponse":
            filters.update(_created(values))
            continue
        if name not in params:
            raise InvalidInput({name: [
                f"Not a search parameter of {resource} here; use "
                f"{', '.join(PARAMETERS[resource])}, _count."]})
        if len(values) != 1 or "," in values[0] or not values[0]:
            raise InvalidInput({name: ["Give one value, once."]})
        column, reader = params[name]
        value = reader(values[0], name)
        if filters.get(column, value) != value:
            raise InvalidInput({name: ["Contradicts another parameter of the search."]})
        filters[column] = value
    return Search(resource, list_name, order, filters, _count(args.get("_count") or []))


def _count(values: Sequence[str]) -> int:
    if not values:
        return COUNT_DEFAULT
    if len(values) != 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= COUNT_MAX:
        raise InvalidInput({"_count": [f"A whole number from 1 to {COUNT_MAX}."]})
    return int(values[0])


def _created(values: Sequence[str]) -> Filters:
    """`created` values (eq, ge, gt, le, lt; a date or an instant with its offset) as a
    half-open range of instants: changed_from <= created < changed_before."""
    found: Filters = {}
    for value in values:
        match = DATE_RE.match(value)
        moment = _instant(match.group(2)) if match else None
        if match is None or moment is None:
            raise InvalidInput({"created": [
                "A date (2026-11-10) or an instant with its offset, after an optional "
                "prefix eq, ge, gt, le or lt."]})
        start, end = moment
        prefix = match.group(1) or "eq"
        if prefix in ("eq", "ge"):
            found["changed_from"] = max(found.get("changed_from", start), start)
        if prefix == "gt":
            found["changed_from"] = max(found.get("changed_from", end), end)
        if prefix in ("eq", "le"):
            found["changed_before"] = min(found.get("changed_before", end), end)
        if prefix == "lt":
            found["changed_before"] = min(found.get("changed_before", start), start)
    return found


def _instant(text: str) -> tuple[datetime, datetime] | None:
    """The instants a value starts and ends at: a day (UTC), or one instant."""
    try:
        if "T" not in text:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment, moment + timedelta(microseconds=1)
