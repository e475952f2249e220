"""X12 writer: segments checked for delimiters, and the ISA/GS/ST..SE/GE/IEA envelope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from payers.x12.delimiters import DEFAULT, Delimiters
from payers.x12.errors import X12Error

MAX_CONTROL_NUMBER = 999_999_999


class X12BuildError(X12Error):
    """A value the builder refuses to write; the message names the field, never the value."""


class Usage(StrEnum):
    """ISA15: whether the interchange is real (P) or a test (T)."""

    PRODUCTION = "P"
    TEST = "T"


@dataclass(frozen=True, slots=True)
class Composite:
    """A composite element; its parts are written with the component separator."""

    parts: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class Repeated:
    """A simple element repeated with the ISA11 repetition separator."""

    values: tuple[str, ...]


Element = str | Composite | Repeated | None
Segment = tuple[str, tuple[Element, ...]]


def seg(tag: str, *elements: Element) -> Segment:
    """A segment as data; trailing empty elements are dropped when it is written."""
    return (tag, elements)


@dataclass(frozen=True, kw_only=True)
class Envelope:
    """What the interchange and group headers carry; control numbers come from the caller."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str | None = None
    application_receiver: str | None = None
    usage: Usage
    timestamp: datetime
    interchange_control_number: int
    group_control_number: int
    acknowledgment_requested: bool = False
    delimiters: Delimiters = field(default=DEFAULT)


@dataclass(frozen=True, kw_only=True)
class TransactionSet:
    """One ST..SE body (without ST and SE) and its ST02 control number."""

    control_number: int
    segments: Sequence[Segment]


def require(value: str | None, name: str) -> str:
    """The value without surrounding spaces, or a refusal naming the missing field.

    Only spaces are trimmed: a tab or line break is a control character, which the writer
    refuses rather than silently drops.
    """
    if value is None or not value.strip(" "):
        raise X12BuildError(f"{name} is required")
    return value.strip(" ")


def upper(value: str) -> str:
    """Upper case for ASCII text; anything else is left for the writer to refuse, so that
    e.g. a German sharp s is not silently turned into "SS"."""
    return value.upper() if value.isascii() else value


def check_control_number(number: int, name: str) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise X12BuildError(f"{name} must be an integer")
    if not 1 <= number <= MAX_CONTROL_NUMBER:
        raise X12BuildError(f"{name} must be between 1 and {MAX_CONTROL_NUMBER}")
    return number


def write_interchange(
    *,
    envelope: Envelope,
    functional_id: str,
    set_id: str,
    guide: str,
    transactions: Sequence[TransactionSet],
    line_breaks: bool = False,
) -> str:
    """Write ISA, one GS, every transaction as ST..SE, GE and IEA.

    ST02 numbers must strictly increase: the caller's counter never goes back, so a repeat
    or a step backwards means two submissions would share a control number.
    """
    stamp = _aware(envelope.timestamp)
    isa13 = check_control_number(envelope.interchange_control_number, "ISA13")
    gs06 = check_control_number(envelope.group_control_number, "GS06")
    if not transactions:
        raise X12BuildError("an interchange needs at least one transaction set")
    writer = _Writer(envelope.delimiters)
    writer.write(_isa(envelope, stamp, isa13))
    writer.write(seg(
        "GS", functional_id,
        require(envelope.application_sender or envelope.sender_id, "GS02"),
        require(envelope.application_receiver or envelope.receiver_id, "GS03"),
        stamp.strftime("%Y%m%d"), stamp.strftime("%H%M"), str(gs06), "X", guide,
    ))
    previous = 0
    for transaction in transactions:
        number = check_control_number(transaction.control_number, "ST02")
        if number <= previous:
            raise X12BuildError("ST02 control numbers must strictly increase within a group")
        previous = number
        st02 = f"{number:04d}"
        first = writer.count
        writer.write(seg("ST", set_id, st02, guide))
        for segment in transaction.segments:
            writer.write(segment)
        writer.write(seg("SE", str(writer.count - first + 1), st02))
    writer.write(seg("GE", str(len(transactions)), str(gs06)))
    writer.write(seg("IEA", "1", f"{isa13:09d}"))
    return writer.text(line_breaks=line_breaks)


def _aware(stamp: datetime) -> datetime:
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise X12BuildError("the interchange timestamp must be timezone-aware")
    return stamp


def _isa(envelope: Envelope, stamp: datetime, isa13: int) -> Segment:
    delimiters = envelope.delimiters
    chosen = (delimiters.element, delimiters.repetition, delimiters.component,
              delimiters.segment)
    if delimiters.repetition is None:
        raise X12BuildError("a 5010 interchange needs a repetition separator (ISA11)")
    if len(set(chosen)) != 4 or any(
        c is None or len(c) != 1 or c.isalnum() or c == " " for c in chosen
    ):
        raise X12BuildError("delimiters must be four distinct single non-alphanumeric characters")
    # X12 dates and times carry no offset: they are the wall-clock time of the caller's zone.
    return seg(
        "ISA", "00", " " * 10, "00", " " * 10,
        _fixed(envelope.sender_qualifier, 2, "ISA05", exact=True),
        _fixed(envelope.sender_id, 15, "ISA06"),
        _fixed(envelope.receiver_qualifier, 2, "ISA07", exact=True),
        _fixed(envelope.receiver_id, 15, "ISA08"),
        stamp.strftime("%y%m%d"), stamp.strftime("%H%M"),
        delimiters.repetition, "00501", f"{isa13:09d}",
        "1" if envelope.acknowledgment_requested else "0",
        Usage(envelope.usage).value, delimiters.component,
    )


def _fixed(value: str, width: int, name: str, *, exact: bool = False) -> str:
    value = require(value, name)
    if len(value) > width or (exact and len(value) != width):
        raise X12BuildError(f"{name} must be {'' if exact else 'at most '}{width} characters")
    return value.ljust(width)


class _Writer:
    """Renders segments, refusing any value that would be read back as structure."""

    def __init__(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        self.forbidden = {
            delimiters.element, delimiters.component, delimiters.segment,
            *((delimiters.repetition,) if delimiters.repetition else ()),
        }
        self.segments: list[str] = []
        # A value is clean when one C-level match says so: printable ASCII, no delimiter.
        # Only a refused value is looked at character by character, to name its problem.
        banned = "".join(re.escape(c) for c in sorted(self.forbidden))
        self._clean = re.compile("[^" + banned + r"\x00-\x1f\x7f-\U0010ffff]*")

    @property
    def count(self) -> int:
        return len(self.segments)

    def write(self, segment: Segment) -> None:
        tag, elements = segment
        position = self.count + 1
        rendered = [
            self._element(element, index, position, tag)
            for index, element in enumerate(elements, start=1)
        ]
        while rendered and not rendered[-1]:
            rendered.pop()
        if tag == "ISA":
            # ISA16 is the component separator itself; it is written, not checked.
            rendered[-1] = self.delimiters.component
        self.segments.append(self.delimiters.element.join([tag, *rendered]))

    def text(self, *, line_breaks: bool) -> str:
        terminator = self.delimiters.segment + ("\n" if line_breaks else "")
        return "".join(segment + terminator for segment in self.segments)

    def _element(self, element: Element, number: int, position: int, tag: str) -> str:
        if element is None:
            return ""
        if isinstance(element, str):
            if tag == "ISA" and number in (11, 16):
                return element
            return self._value(element, (number, 0), position, tag)
        if isinstance(element, Composite):
            parts = [
                self._value(part or "", (number, index), position, tag)
                for index, part in enumerate(element.parts, start=1)
            ]
            while parts and not parts[-1]:
                parts.pop()
            return self.delimiters.component.join(parts)
        return (self.delimiters.repetition or "").join(
            self._value(value, (number, 0), position, tag) for value in element.values
        )

    def _value(self, value: str, where: tuple[int, int], position: int, tag: str) -> str:
        """`where`: the element's number and, in a composite, the part's (else 0)."""
        if self._clean.fullmatch(value) is None:
            name = f"{tag}{where[0]:02d}" + (f"-{where[1]}" if where[1] else "")
            self._refuse(value, name, position, tag)
        return value if tag == "ISA" else value.strip(" ")

    def _refuse(self, value: str, name: str, position: int, tag: str) -> None:
        for character in value:
            if character in self.forbidden:
                problem = "contains a delimiter character"
            elif not " " <= character <= "~":
                problem = (
                    "contains a control character" if character < " " or character == "\x7f"
                    else "contains a character outside printable ASCII"
                )
            else:
                continue
            raise X12BuildError(f"{name} {problem}", position=position, segment_id=tag)
        raise X12BuildError(f"{name} could not be written", position=position, segment_id=tag)
