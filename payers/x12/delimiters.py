"""X12 delimiters, located positionally in the fixed-width ISA segment."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from payers.x12.errors import X12SyntaxError

# Widths of ISA01..ISA16; the ISA is fixed width, so every separator has a known index.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
ISA_LENGTH = 106  # "ISA", 16 separators, 16 elements and the terminator
_SEPARATOR_INDEXES: tuple[int, ...] = tuple(
    3 + sum(ISA_WIDTHS[:n]) + n for n in range(len(ISA_WIDTHS))
)
_separators_of = itemgetter(*_SEPARATOR_INDEXES)
REPETITION_INDEX = 82
COMPONENT_INDEX = 104
TERMINATOR_INDEX = 105
_LEADING_NOISE = "\ufeff \t\r\n"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 delimiters; ``repetition`` is None for 4010 (ISA11 'U')."""

    element: str
    repetition: str | None
    component: str
    segment: str

    @classmethod
    def from_isa(cls, text: str) -> Delimiters:
        """Read the delimiters from the ISA at the start of ``text``.

        Raises X12SyntaxError, precisely, for input that is not X12, input that ends inside
        the ISA, and an ISA whose elements are not padded to their fixed widths.
        """
        text = text.lstrip(_LEADING_NOISE)
        if not text.startswith("ISA"):
            raise X12SyntaxError("input is not X12: it does not start with an ISA segment")
        if len(text) < 4:
            raise X12SyntaxError("input is truncated inside the ISA segment", position=1,
                                 segment_id="ISA")
        element = text[3]
        if element.isalnum() or element.isspace():
            raise X12SyntaxError(
                "ISA element separator must be a punctuation character", position=1,
                segment_id="ISA")
        if len(text) <= TERMINATOR_INDEX or _separators_of(text) != (element,) * 16:
            for number, index in enumerate(_SEPARATOR_INDEXES, start=1):
                if index >= len(text):
                    _refuse_short(text, element)
                if text[index] != element:
                    _refuse_width(text, element, number)
            raise X12SyntaxError("input is truncated inside the ISA segment (no segment "
                                 "terminator after ISA16)", position=1, segment_id="ISA")
        repetition: str | None = text[REPETITION_INDEX]
        component = text[COMPONENT_INDEX]
        segment = text[TERMINATOR_INDEX]
        if repetition is None or repetition.isalnum() or repetition == " ":
            # 4010 carries the standards identifier 'U' here: there is no repetition separator.
            repetition = None
        if component.isalnum() or component.isspace() or component == element:
            raise X12SyntaxError("ISA16 component separator is missing or clashes with the "
                                 "element separator", position=1, segment_id="ISA")
        if segment.isalnum() or segment in (element, component) or segment == " ":
            raise X12SyntaxError("segment terminator after ISA16 is missing or clashes with "
                                 "another delimiter", position=1, segment_id="ISA")
        if repetition in (element, segment):
            raise X12SyntaxError("ISA11 repetition separator clashes with another delimiter",
                                 position=1, segment_id="ISA")
        key = (element, repetition, component, segment)
        found = _INTERNED.get(key)
        if found is None or cls is not Delimiters:
            found = cls(element, repetition, component, segment)
            if cls is Delimiters and len(_INTERNED) < 256:
                _INTERNED[key] = found
        return found


def _refuse_short(text: str, element: str) -> None:
    """The text ends before the ISA does: truncated, or a short non-fixed-width ISA."""
    fields = text.split(element)
    if len(fields) >= 17 or any(
        len(fields[n]) != ISA_WIDTHS[n - 1] for n in range(1, len(fields) - 1)
    ):
        _refuse_width(text, element, None)
    raise X12SyntaxError("input is truncated inside the ISA segment", position=1,
                         segment_id="ISA")


def _refuse_width(text: str, element: str, separator_number: int | None) -> None:
    fields = text[:400].split(element)
    for number in range(1, min(len(fields), 16)):
        if len(fields[number]) != ISA_WIDTHS[number - 1]:
            raise X12SyntaxError(
                f"ISA is not fixed width: element ISA{number:02d} has {len(fields[number])} "
                f"characters, expected {ISA_WIDTHS[number - 1]}", position=1, segment_id="ISA")
    if len(fields) < 17:
        raise X12SyntaxError(f"ISA has {len(fields) - 1} elements, expected 16", position=1,
                             segment_id="ISA")
    where = f" before ISA{separator_number:02d}" if separator_number else ""
    raise X12SyntaxError(f"ISA is not fixed width: element separator expected{where}",
                         position=1, segment_id="ISA")


# Delimiters are immutable values and an interchange's set is one of a few: a set read
# before is reused rather than built again (building a frozen dataclass is not free).
_INTERNED: dict[tuple[str, str | None, str, str], Delimiters] = {}

DEFAULT = Delimiters("*", "^", ":", "~")
