"""999 and 997 reader (TA1 reader re-exported): was a submission accepted, and if not, why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from payers.x12.ack.ta1 import Coded, InterchangeAcknowledgment, read_ta1, read_ta1_text
from payers.x12.codes.ack import (
    ACCEPTING,
    ElementError,
    GroupError,
    GroupStatus,
    SegmentError,
    TransactionError,
    TransactionStatus,
)
from payers.x12.codes.table import DescribedCode
from payers.x12.elements import At, element, optional
from payers.x12.envelope import Transaction, iter_transactions
from payers.x12.errors import X12StructureError
from payers.x12.plain import to_plain

__all__ = [
    "Coded",
    "ElementNote",
    "FunctionalAcknowledgment",
    "InterchangeAcknowledgment",
    "SegmentNote",
    "SetAcknowledgment",
    "read_999",
    "read_999_text",
    "read_ta1",
    "read_ta1_text",
]

# Segment error, element error and verdict tags: the 997 has the same places and code lists.
_TAGS = {"999": ("IK3", "IK4", "IK5"), "997": ("AK3", "AK4", "AK5")}


@dataclass(frozen=True, kw_only=True)
class ElementNote:
    """IK4: an element in error. ``bad_value`` is a copy of submitted data; keep it out of logs."""

    position: int
    component: int | None
    repetition: int | None
    reference_number: str | None
    error: Coded
    bad_value: str | None


@dataclass(frozen=True, kw_only=True)
class SegmentNote:
    """IK3: a segment in error, where it was in the set, and its element errors."""

    segment_id: str
    position: int
    loop: str | None
    error: Coded | None
    elements: tuple[ElementNote, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SetAcknowledgment:
    """AK2..IK5: the verdict on one transaction set we sent."""

    set_id: str
    control_number: str
    implementation: str | None
    status: Coded
    accepted: bool
    errors: tuple[Coded, ...]
    segments: tuple[SegmentNote, ...]


@dataclass(frozen=True, kw_only=True)
class FunctionalAcknowledgment:
    """A 999 (or 997): the verdict on one functional group and each of its sets."""

    kind: str
    control_number: str
    functional_id: str
    group_control_number: str
    version: str | None
    status: Coded
    outcome: str
    included: int | None
    received: int | None
    accepted_count: int | None
    group_errors: tuple[Coded, ...]
    sets: tuple[SetAcknowledgment, ...]
    explanation: tuple[str, ...]

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_plain(self)
        return result


def read_999(transaction: Transaction) -> FunctionalAcknowledgment:
    """Read a 999 or a 997; malformed acknowledgments raise an X12Error subclass."""
    if transaction.set_id not in ("999", "997"):
        raise X12StructureError("transaction set is not a 999 or 997",
                                position=transaction.start, segment_id="ST")
    return _AckReader(transaction).run()


def read_999_text(data: str | bytes, *, strict: bool = False) -> list[FunctionalAcknowledgment]:
    return [read_999(t) for t in iter_transactions(data, strict=strict)
            if t.set_id in ("999", "997")]


class _AckReader:
    """Walks AK1, (AK2, IK3/CTX/IK4..., IK5)*, AK9 and refuses any other order."""

    def __init__(self, transaction: Transaction) -> None:
        self.t = transaction
        self.kind = transaction.set_id
        self.segment_tag, self.element_tag, self.verdict_tag = _TAGS[self.kind]
        self.sets: list[SetAcknowledgment] = []

    def run(self) -> FunctionalAcknowledgment:
        rows = self.t.segments[1:-1]
        if not rows or rows[0][0] != "AK1":
            raise self._structure(1, "AK1 must follow ST")
        ak1 = rows[0]
        functional_id = ak1[1] if len(ak1) > 1 else ""
        if len(functional_id) != 2 or not functional_id.isalnum():
            raise self._at(1, "AK1").error("AK101 is not a functional identifier code")
        index = 1
        while index < len(rows) and rows[index][0] == "AK2":
            index = self._set(rows, index)
        if index != len(rows) - 1 or rows[index][0] != "AK9":
            raise self._structure(index + 1, "AK9 must close the acknowledgment after the "
                                  "last AK2 group")
        return self._group(ak1, rows[index], self._at(index + 1, "AK9"))

    def _set(self, rows: list[list[str]], index: int) -> int:
        ak2, at = rows[index], self._at(index + 1, "AK2")
        if len(ak2) > 4 or not element(ak2, 1) or not element(ak2, 2):
            raise at.error("AK2 must hold AK201, AK202 and at most AK203")
        segments: list[SegmentNote] = []
        index += 1
        while index < len(rows) and rows[index][0] in (
                self.segment_tag, self.element_tag, "CTX"):
            row, at = rows[index], self._at(index + 1, rows[index][0])
            if row[0] == self.segment_tag:
                segments.append(_segment_note(row, at))
            elif row[0] == self.element_tag:
                if not segments:
                    raise at.error(f"{row[0]} must follow a segment error")
                last = segments[-1]
                segments[-1] = SegmentNote(
                    segment_id=last.segment_id, position=last.position, loop=last.loop,
                    error=last.error,
                    elements=(*last.elements, _element_note(row, at, self.t.delimiters.component)))
            index += 1
        if index >= len(rows) or rows[index][0] != self.verdict_tag:
            raise self._structure(index + 1, f"{self.verdict_tag} must close each AK2")
        verdict, at = rows[index], self._at(index + 1, rows[index][0])
        status = TransactionStatus.lookup(element(verdict, 1))
        if status is None:
            raise at.error(f"{verdict[0]}01 is not a transaction set acknowledgment code")
        self.sets.append(SetAcknowledgment(
            set_id=element(ak2, 1), control_number=element(ak2, 2),
            implementation=optional(ak2, 3),
            status=Coded(code=status.value, description=status.description),
            accepted=status.value in ACCEPTING,
            errors=tuple(_coded(TransactionError, c) for c in verdict[2:7] if c.strip()),
            segments=tuple(segments)))
        return index + 1

    def _group(self, ak1: list[str], ak9: list[str], at: At) -> FunctionalAcknowledgment:
        status = GroupStatus.lookup(element(ak9, 1))
        if status is None:
            raise at.error("AK901 is not a functional group acknowledgment code")
        counts = [_count(element(ak9, n), at, f"AK90{n}") for n in (2, 3, 4)]
        errors = tuple(_coded(GroupError, c) for c in ak9[5:10] if c.strip())
        status_coded = Coded(code=status.value, description=status.description)
        outcome = {"A": "accepted", "E": "accepted_with_errors",
                   "P": "partially_accepted"}.get(status.value, "rejected")
        return FunctionalAcknowledgment(
            kind=self.kind, control_number=self.t.control_number,
            functional_id=element(ak1, 1), group_control_number=element(ak1, 2),
            version=optional(ak1, 3), status=status_coded, outcome=outcome,
            included=counts[0], received=counts[1], accepted_count=counts[2],
            group_errors=errors, sets=tuple(self.sets),
            explanation=_explain(status_coded, errors, self.sets))

    def _at(self, offset: int, tag: str) -> At:
        return At(self.t.position(offset), tag)

    def _structure(self, offset: int, message: str) -> X12StructureError:
        return X12StructureError(message, position=self.t.position(offset))


def _segment_note(row: list[str], at: At) -> SegmentNote:
    position = element(row, 2)
    if not element(row, 1) or not position.isdigit():
        raise at.error(f"{row[0]} needs a segment id and a numeric position")
    code = element(row, 4)
    return SegmentNote(segment_id=element(row, 1), position=int(position), loop=optional(row, 3),
                       error=_coded(SegmentError, code) if code else None)


def _element_note(row: list[str], at: At, component: str) -> ElementNote:
    # IK401 is a composite: element position, then component and repetition positions.
    parts = element(row, 1).split(component) + ["", ""]
    if not parts[0].isdigit() or not element(row, 3) or not all(
            p.isdigit() for p in parts[1:3] if p):
        raise at.error(f"{row[0]} needs a numeric element position and an error code")
    return ElementNote(position=int(parts[0]), component=int(parts[1]) if parts[1] else None,
                       repetition=int(parts[2]) if parts[2] else None,
                       reference_number=optional(row, 2),
                       error=_coded(ElementError, element(row, 3)), bad_value=optional(row, 4))


def _coded(table: type[DescribedCode], code: str) -> Coded:
    code = code.strip()
    return Coded(code=code, description=table.describe(code))


def _count(text: str, at: At, name: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise at.error(f"{name} is not a count")
    return int(text)


def _explain(status: Coded, group_errors: tuple[Coded, ...],
             sets: list[SetAcknowledgment]) -> tuple[str, ...]:
    """Sentences for staff; element values (IK404) are never quoted, they may be PHI."""
    lines = [f"Functional group: {status.description}."]
    lines += [f"Group error {e.code}: {e.description or 'unknown code'}." for e in group_errors]
    for ack in sets:
        lines.append(f"Transaction {ack.set_id} {ack.control_number}: {ack.status.description}"
                     + "".join(f"; {e.code} {e.description or 'unknown code'}"
                               for e in ack.errors) + ".")
        for note in ack.segments:
            where = f" in loop {note.loop}" if note.loop else ""
            what = note.error.description if note.error else "error"
            lines.append(f"  Segment {note.segment_id} at position {note.position}{where}: "
                         f"{what}.")
            for item in note.elements:
                part = f"-{item.component}" if item.component else ""
                lines.append(f"    Element {note.segment_id}{item.position:02d}{part}: "
                             f"{item.error.description or 'error ' + item.error.code}.")
    return tuple(lines)
