"""TA1 reader: the verdict on an interchange envelope we sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from payers.x12.codes.ack import InterchangeNote, InterchangeStatus
from payers.x12.elements import At, element, parse_date
from payers.x12.envelope import read_interchange
from payers.x12.errors import X12StructureError
from payers.x12.plain import to_plain


@dataclass(frozen=True, kw_only=True)
class Coded:
    """A code from an acknowledgment and its description (None for a code not in the list)."""

    code: str
    description: str | None


@dataclass(frozen=True, kw_only=True)
class InterchangeAcknowledgment:
    """A TA1: the verdict on an interchange envelope we sent."""

    control_number: str
    date: date
    time: str
    status: Coded
    accepted: bool
    note: Coded | None
    warnings: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_plain(self)
        return result



def read_ta1(segment: list[str], *, strict: bool = False) -> InterchangeAcknowledgment:
    """Read one TA1 segment (elements as split by the envelope reader, tag first).

    Tolerant mode accepts a CCYYMMDD date, a missing note on an acceptance and extra
    elements, with a warning each; strict mode refuses them.
    """
    at = At(None, "TA1")
    if not segment or segment[0] != "TA1" or len(segment) < 5:
        raise X12StructureError("TA1 needs at least TA101 to TA104", segment_id="TA1")
    warnings: list[str] = []
    control = element(segment, 1)
    if not control.isdigit() or len(control) > 9 or (strict and len(control) != 9):
        raise at.error("TA101 is not an interchange control number")
    raw_date = element(segment, 2)
    if len(raw_date) == 8 and not strict:
        warnings.append("TA102 is CCYYMMDD instead of YYMMDD")
        day = parse_date(raw_date, at, "TA102")
    else:
        day = parse_date("20" + raw_date if len(raw_date) == 6 else raw_date, at, "TA102")
    clock = element(segment, 3)
    if len(clock) != 4 or not clock.isdigit() or int(clock[:2]) > 23 or int(clock[2:]) > 59:
        raise at.error("TA103 is not an HHMM time")
    status = InterchangeStatus.lookup(element(segment, 4))
    if status is None:
        raise at.error("TA104 is not an acknowledgment code")
    note = _note(element(segment, 5), status, at, warnings, strict)
    if len(segment) > 6:
        if strict:
            raise X12StructureError("TA1 has more than 5 elements", segment_id="TA1")
        warnings.append("TA1 has more than 5 elements; the extra ones were ignored")
    return InterchangeAcknowledgment(
        control_number=control, date=day, time=clock,
        status=Coded(code=status.value, description=status.description),
        accepted=status is not InterchangeStatus.REJECTED, note=note, warnings=tuple(warnings))


def read_ta1_text(data: str | bytes, *, strict: bool = False) -> list[InterchangeAcknowledgment]:
    return [read_ta1(s, strict=strict) for s in read_interchange(data, strict=strict).ta1]


def _note(code: str, status: InterchangeStatus, at: At, warnings: list[str],
          strict: bool) -> Coded | None:
    if not code:
        if strict or status is not InterchangeStatus.ACCEPTED:
            raise at.error("TA105 (note code) is missing")
        warnings.append("TA105 (note code) is missing")
        return None
    if len(code) != 3 or not code.isdigit():
        raise at.error("TA105 is not a 3-digit note code")
    description = InterchangeNote.describe(code)
    if description is None:
        if strict:
            raise at.error("TA105 is not a known note code")
        warnings.append("TA105 is not a known note code")
    return Coded(code=code, description=description)
