"""An EHR's Appointment read field by field: the elements a verdict needs, checked as FHIR
R4 and R4B define them; other elements are left unread.

Every appointment-book call carries one or more Appointments, so this is on the hook's hot
path: a full model of the resource validated dozens of elements no verdict reads, and took
more time than the verdict itself. Reading only what is used also accepts the R4 and R4B
shapes of an Appointment alike (they differ in elements not read here), as an EHR may send
either. A fault is reported at its FHIR path with its kind, never with its value (which may
be a name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# FHIR R4/R4B Appointment.status and Appointment.participant.status (required bindings).
STATUSES = frozenset({"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled",
                      "noshow", "entered-in-error", "checked-in", "waitlist"})
PARTICIPATION = frozenset({"accepted", "declined", "tentative", "needs-action"})
RESOURCE_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
# FHIR instant: a full date-time with seconds and a zone.
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


class AppointmentFaults(ValueError):
    """The faults found, each 'path (kind)', sorted."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__(", ".join(faults))
        self.faults = sorted(set(faults))


class _Reader:
    """Checks elements as they are read, collecting faults instead of stopping at one."""

    def __init__(self) -> None:
        self.faults: list[str] = []

    def fault(self, path: str, kind: str) -> None:
        self.faults.append(f"{path} ({kind})")

    def string(self, raw: Mapping[str, Any], key: str, path: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fault(f"{path}{key}", "string_type")
            return None
        return value

    def objects(self, raw: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fault(f"{path}{key}", "list_of_objects")
            return []
        return value

    def object(self, raw: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any] | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, dict):
            self.fault(f"{path}{key}", "object_type")
            return None
        return value

    def instant(self, raw: Mapping[str, Any], key: str) -> datetime | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, str) and INSTANT.fullmatch(value):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        self.fault(key, "instant_type")
        return None

    def code(self, raw: Mapping[str, Any], key: str, path: str, allowed: frozenset[str]) -> None:
        value = raw.get(key)
        if value is None:
            self.fault(f"{path}{key}", "missing")
        elif value not in allowed:
            self.fault(f"{path}{key}", "code")


def read(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The Appointment's id, start, end, CPT codings, extensions and participant actors;
    AppointmentFaults when one of those (or a required element) breaks FHIR's rules."""
    reader = _Reader()
    ident = reader.string(raw, "id", "")
    if ident is not None and not RESOURCE_ID.fullmatch(ident):
        reader.fault("id", "id_pattern")
    reader.code(raw, "status", "", STATUSES)
    start, end = reader.instant(raw, "start"), reader.instant(raw, "end")
    codings = []
    for n, concept in enumerate(reader.objects(raw, "serviceType", "")):
        for m, coding in enumerate(reader.objects(concept, "coding", f"serviceType.{n}.")):
            at = f"serviceType.{n}.coding.{m}."
            codings.append((reader.string(coding, "system", at), reader.string(coding, "code", at)))
    extensions = []
    for n, extension in enumerate(reader.objects(raw, "extension", "")):
        at = f"extension.{n}."
        if extension.get("url") is None:
            reader.fault(f"{at}url", "missing")
        value_coding = reader.object(extension, "valueCoding", at)
        extensions.append((
            reader.string(extension, "url", at), reader.string(extension, "valueCode", at),
            reader.string(value_coding, "code", f"{at}valueCoding.") if value_coding else None))
    participants = reader.objects(raw, "participant", "")
    if not participants:
        reader.fault("participant", "missing")
    actors = []
    for n, participant in enumerate(participants):
        at = f"participant.{n}."
        reader.code(participant, "status", at, PARTICIPATION)
        actor = reader.object(participant, "actor", at)
        identifier = reader.object(actor, "identifier", f"{at}actor.") if actor else None
        if identifier:
            actors.append((reader.string(identifier, "system", f"{at}actor.identifier."),
                           reader.string(identifier, "value", f"{at}actor.identifier.")))
    if reader.faults:
        raise AppointmentFaults(reader.faults)
    return {"id": ident, "start": start, "end": end, "codings": codings,
            "extensions": extensions, "actors": actors}
