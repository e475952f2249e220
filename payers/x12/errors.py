"""The X12 error family: every refusal of the codec is one of these, never an IndexError."""

from __future__ import annotations


class X12Error(ValueError):
    """Input the codec cannot read.

    ``position`` is the 1-based segment number within the interchange (ISA = 1) and
    ``segment_id`` the segment tag, when known. Messages name elements and describe the
    problem; they never quote element values, which may be protected health information.
    """

    def __init__(
        self, message: str, *, position: int | None = None, segment_id: str | None = None
    ) -> None:
        self.position = position
        self.segment_id = segment_id
        self.detail = message
        super().__init__(_format(message, position, segment_id))


def _format(message: str, position: int | None, segment_id: str | None) -> str:
    if position is None:
        return message if segment_id is None else f"{segment_id} segment: {message}"
    if segment_id is None:
        return f"segment {position}: {message}"
    return f"segment {position} ({segment_id}): {message}"


class X12SyntaxError(X12Error):
    """Not X12 at all, truncated, a malformed ISA, or segments that cannot be tokenized."""


class X12EnvelopeError(X12Error):
    """ISA/GS/ST trailers missing, or (strict mode) control numbers and counts that disagree."""


class X12StructureError(X12Error):
    """A transaction body whose segments are out of order or outside their loop."""


class X12ElementError(X12Error):
    """An element whose value cannot be interpreted (a date that is no date, a bad amount)."""
