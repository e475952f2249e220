"""Tokenizer and envelope reader: ISA/GS/ST framing, control numbers and counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from payers.x12.delimiters import ISA_LENGTH, Delimiters
from payers.x12.errors import X12EnvelopeError, X12SyntaxError

_WHITESPACE = " \t\r\n\x0b\x0c"
_LINE_BREAKS = ("\n", "\r")
_LEADING = "\ufeff" + _WHITESPACE


@dataclass(frozen=True, slots=True)
class X12Warning:
    """Something tolerated in tolerant mode (and refused in strict mode)."""

    code: str
    message: str
    position: int | None = None


@dataclass(slots=True)
class InterchangeHeader:
    """ISA fields, padding stripped; date (YYMMDD) and time (HHMM) as transmitted."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    version: str
    control_number: str
    ack_requested: bool
    usage: str  # P production, T test


@dataclass(slots=True)
class GroupHeader:
    """GS fields; date (CCYYMMDD) and time as transmitted, version is GS08."""

    functional_id: str
    sender: str
    receiver: str
    date: str
    time: str
    control_number: str
    version: str


class Transaction:
    """One ST..SE set: ``segments[i]`` is the element list of segment ``start + i``.

    ``raw_segments`` holds the segment texts; ``segments`` splits them into elements on
    first access (readers that only need some segments split only those).
    """

    __slots__ = ("set_id", "control_number", "implementation", "raw_segments", "start",
                 "delimiters", "group", "interchange_header", "warnings", "_segments")

    def __init__(self, set_id: str, control_number: str, implementation: str,
                 raw_segments: list[str], start: int, delimiters: Delimiters,
                 group: GroupHeader, interchange_header: InterchangeHeader) -> None:
        self.set_id = set_id
        self.control_number = control_number
        self.implementation = implementation
        self.raw_segments = raw_segments
        self.start = start
        self.delimiters = delimiters
        self.group = group
        self.interchange_header = interchange_header
        self.warnings: list[X12Warning] = []
        self._segments: list[list[str]] | None = None

    @property
    def segments(self) -> list[list[str]]:
        """Each segment as its element list, index 0 the tag."""
        if self._segments is None:
            element = self.delimiters.element
            self._segments = [s.split(element) for s in self.raw_segments]
        return self._segments

    def position(self, index: int) -> int:
        """Interchange position (1-based) of ``segments[index]``."""
        return self.start + index

    def __repr__(self) -> str:
        return (f"Transaction(set_id={self.set_id!r}, control_number={self.control_number!r}, "
                f"start={self.start}, segments={len(self.raw_segments)})")


@dataclass(slots=True, eq=False)
class FunctionalGroup:
    """One GS..GE group with its transaction sets."""

    header: GroupHeader
    transactions: list[Transaction] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Interchange:
    """A whole ISA..IEA interchange, read eagerly."""

    header: InterchangeHeader
    delimiters: Delimiters
    groups: list[FunctionalGroup] = field(default_factory=list)
    ta1: list[list[str]] = field(default_factory=list)
    warnings: list[X12Warning] = field(default_factory=list)

    @property
    def transactions(self) -> list[Transaction]:
        return [t for g in self.groups for t in g.transactions]


def read_interchange(data: str | bytes, *, strict: bool = False) -> Interchange:
    """Read a whole interchange; mismatched controls/counts warn, or raise when strict."""
    reader = _Reader(data, strict, keep_groups=True)
    for _ in reader:
        pass
    return Interchange(reader.header, reader.delimiters, reader.groups, reader.ta1,
                       reader.warnings)


def iter_transactions(
    data: str | bytes, *, strict: bool = False, warnings: list[X12Warning] | None = None
) -> Iterator[Transaction]:
    """Yield one ST..SE set at a time; envelope warnings are appended to ``warnings``."""
    reader = _Reader(data, strict, warnings)
    yield from reader


def decode_text(data: str | bytes) -> str:
    """Bytes to text: UTF-8 (BOM allowed), falling back to Latin-1 for stray 8-bit bytes."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    if not isinstance(data, str):
        raise TypeError("X12 input must be str or bytes")
    return data


def tokenize(data: str | bytes, warnings: list[X12Warning] | None = None,
             *, strict: bool = False) -> tuple[Delimiters, str]:
    """Return the delimiters and the text normalised to terminator-separated segments.

    Whitespace around terminators (CR, LF, CRLF, indentation, trailing spaces) and empty
    segments are removed. The ISA (first 106 characters) is kept byte for byte.
    """
    text = decode_text(data).lstrip(_LEADING)
    delimiters = Delimiters.from_isa(text)
    t = delimiters.segment
    if len(text) < ISA_LENGTH:
        raise X12SyntaxError("input is truncated after the ISA segment", position=1,
                             segment_id="ISA")
    # Only line breaks, tabs or a leading/trailing blank signal layout whitespace; checking
    # single characters (from the end of the ISA on, without copying the rest) keeps the
    # common single-line case at C speed.
    if (
        (t != "\n" and text.find("\n", ISA_LENGTH) != -1)
        or (t != "\r" and text.find("\r", ISA_LENGTH) != -1)
        or text.find("\t", ISA_LENGTH) != -1
        or text[ISA_LENGTH:ISA_LENGTH + 1] in _WHITESPACE
        or (text[-1:] if len(text) > ISA_LENGTH else "") in _WHITESPACE
    ):
        rest = text[ISA_LENGTH:]
        text = text[:ISA_LENGTH] + _normalise(rest, delimiters, warnings, strict)
    if delimiters.repetition is not None and delimiters.repetition == delimiters.component:
        _warn(warnings, strict, X12SyntaxError, "DELIMITER_CLASH",
              "ISA11 repetition separator equals the ISA16 component separator", 1)
    return delimiters, text


def _normalise(rest: str, d: Delimiters, warnings: list[X12Warning] | None,
               strict: bool) -> str:
    t = d.segment
    strip = "".join(c for c in _WHITESPACE if c not in (d.element, d.component, d.repetition))
    pieces = [p.strip(strip) for p in rest.split(t)]
    if t not in _LINE_BREAKS and any("\n" in p or "\r" in p for p in pieces):
        # A line break inside a segment of a line-per-segment file: the terminator is missing.
        fixed: list[str] = []
        for p in pieces:
            if "\n" in p or "\r" in p:
                parts = [q.strip(strip) for q in p.replace("\r", "\n").split("\n")]
                _warn(warnings, strict, X12SyntaxError, "MISSING_TERMINATOR",
                      "a line break inside a segment was read as a missing segment terminator",
                      len(fixed) + 2)
                fixed.extend(parts)
            else:
                fixed.append(p)
        pieces = fixed
    if "" in pieces:
        pieces = [p for p in pieces if p]
    return t.join(pieces)


def _warn(warnings: list[X12Warning] | None, strict: bool, error: type[X12SyntaxError]
          | type[X12EnvelopeError], code: str, message: str, position: int | None,
          segment_id: str | None = None) -> None:
    if strict:
        raise error(message, position=position, segment_id=segment_id)
    if warnings is not None:
        warnings.append(X12Warning(code, message, position))


def _el(elements: list[str], index: int) -> str:
    return elements[index] if index < len(elements) else ""


class _Reader:
    """Walks the normalised text envelope by envelope; iterating yields transaction sets."""

    def __init__(self, data: str | bytes, strict: bool,
                 warnings: list[X12Warning] | None = None, *, keep_groups: bool = False) -> None:
        self.strict = strict
        self.keep_groups = keep_groups
        self.warnings: list[X12Warning] = [] if warnings is None else warnings
        self.delimiters, self.body = tokenize(data, self.warnings, strict=strict)
        isa = self.body[: ISA_LENGTH - 1].split(self.delimiters.element)
        if len(isa) != 17:
            raise X12SyntaxError("the element separator occurs inside an ISA element",
                                 position=1, segment_id="ISA")
        self.header = InterchangeHeader(
            isa[5].strip(), isa[6].strip(), isa[7].strip(), isa[8].strip(), isa[9], isa[10],
            isa[12], isa[13], isa[14] == "1", isa[15])
        self.groups: list[FunctionalGroup] = []
        self.ta1: list[list[str]] = []

    def warn(self, code: str, message: str, position: int | None,
             segment_id: str | None = None) -> None:
        _warn(self.warnings, self.strict, X12EnvelopeError, code, message, position, segment_id)

    def __iter__(self) -> Iterator[Transaction]:
        body, d = self.body, self.delimiters
        t, e = d.segment, d.element
        header = self.header
        se_marker, st_marker = t + "SE" + e, t + "ST" + e
        cursor, position, end = ISA_LENGTH, 2, len(body)
        # Where the last ST starts, found once per interchange: a reverse search is the
        # faster scan (it tests for the segment terminator, rarer than the element separator).
        last_st = body.rfind(st_marker)
        group: GroupHeader | None = None
        group_position = 0
        group_count = 0
        set_count = 0
        while True:
            if cursor >= end:
                raise X12EnvelopeError(
                    "input is truncated: the interchange has no IEA trailer", position=position)
            stop = body.find(t, cursor)
            if stop == -1:
                stop = end
            elements = body[cursor:stop].split(e)
            tag = elements[0]
            if tag == "ST":
                if group is None:
                    raise X12EnvelopeError("transaction set header outside a functional group",
                                           position=position, segment_id="ST")
                # The set ends at the last SE before the next ST (or the end): one scan, and
                # none for the last set of the interchange (often the only one).
                next_st = body.find(st_marker, cursor) if last_st >= cursor else -1
                se_at = body.rfind(se_marker, cursor, end if next_st == -1 else next_st)
                if se_at == -1:
                    if next_st == -1:
                        raise X12EnvelopeError("input is truncated: the transaction set has "
                                               "no SE trailer", position=position,
                                               segment_id="ST")
                    raise X12EnvelopeError(
                        "transaction set has no SE trailer before the next ST",
                        position=position + body.count(t, cursor, next_st) + 1,
                        segment_id="ST")
                se_stop = body.find(t, se_at + 1)
                if se_stop == -1:
                    se_stop = end
                chunk = body[cursor:se_stop]
                texts = chunk.split(t)
                transaction = self._transaction(texts, position, group, header)
                if self.keep_groups:
                    self.groups[-1].transactions.append(transaction)
                yield transaction
                set_count += 1
                position += len(texts)
                cursor = se_stop + 1
                continue
            if tag == "GS":
                if group is not None:
                    raise X12EnvelopeError("functional group header before the previous "
                                           "group's GE trailer", position=position,
                                           segment_id="GS")
                if len(elements) < 7:
                    raise X12EnvelopeError("GS has fewer than 6 elements", position=position,
                                           segment_id="GS")
                group = GroupHeader(elements[1], elements[2], elements[3], elements[4],
                                    elements[5], elements[6], _el(elements, 8))
                if self.keep_groups:
                    self.groups.append(FunctionalGroup(group))
                group_position, set_count = position, 0
            elif tag == "GE":
                if group is None:
                    raise X12EnvelopeError("GE trailer without a functional group",
                                           position=position, segment_id="GE")
                if len(elements) < 3:
                    elements = elements + ["", ""]
                if elements[2] != group.control_number:
                    self.warn("GS06_GE02", "GE02 does not match GS06 (group control number) of "
                              f"the group at segment {group_position}", position, "GE")
                if elements[1] != str(set_count):
                    self.warn("GE01_COUNT", f"GE01 does not match the {set_count} transaction "
                              "set(s) in the group", position, "GE")
                group = None
                group_count += 1
            elif tag == "IEA":
                if group is not None:
                    raise X12EnvelopeError("input is truncated: functional group at segment "
                                           f"{group_position} has no GE trailer",
                                           position=position, segment_id="IEA")
                if len(elements) < 3:
                    elements = elements + ["", ""]
                if stop == end and len(elements[2]) < len(header.control_number):
                    raise X12EnvelopeError("input is truncated inside the IEA trailer",
                                           position=position, segment_id="IEA")
                if elements[2] != header.control_number:
                    self.warn("ISA13_IEA02", "IEA02 does not match ISA13 (interchange control "
                              "number)", position, "IEA")
                if elements[1] != str(group_count):
                    self.warn("IEA01_COUNT", f"IEA01 does not match the {group_count} "
                              "functional group(s) in the interchange", position, "IEA")
                if stop < end and body[stop + 1:].strip(t + _WHITESPACE):
                    self.warn("TRAILING_DATA", "data after the IEA trailer was ignored",
                              position + 1)
                return
            elif tag == "TA1" and group is None:
                self.ta1.append(elements)
            else:
                place = "inside a functional group" if group else "between envelope segments"
                raise X12EnvelopeError(f"unexpected segment {_safe_tag(tag)} {place}",
                                       position=position)
            position += 1
            cursor = stop + 1

    def _transaction(self, texts: list[str], position: int, group: GroupHeader,
                     header: InterchangeHeader) -> Transaction:
        element = self.delimiters.element
        st, se = texts[0].split(element), texts[-1].split(element)
        if len(st) < 3 or not st[1] or not st[2]:
            raise X12EnvelopeError("ST01 or ST02 is missing", position=position, segment_id="ST")
        transaction = Transaction(st[1], st[2], (st[3] if len(st) > 3 else "") or group.version,
                                  texts, position, self.delimiters, group, header)
        count = len(texts)
        if len(se) < 3:
            se = se + ["", ""]
        if se[2] != st[2]:
            self._set_warning(transaction, "ST02_SE02", "SE02 does not match ST02 "
                              "(transaction set control number)", position + count - 1)
        if se[1] != str(count):
            self._set_warning(transaction, "SE01_COUNT", f"SE01 does not match the {count} "
                              "segments from ST to SE", position + count - 1)
        return transaction

    def _set_warning(self, transaction: Transaction, code: str, message: str,
                     position: int) -> None:
        self.warn(code, message, position, "SE")
        if not self.strict:
            transaction.warnings.append(X12Warning(code, message, position))


def _safe_tag(tag: str) -> str:
    """A segment tag is safe to quote only when it looks like one (never free text)."""
    if 2 <= len(tag) <= 3 and tag.isalnum() and tag.isupper():
        return tag
    return "with an unreadable tag"
