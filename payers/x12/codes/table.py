"""Base class for code lists: StrEnums whose members carry their published description."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class DescribedCode(StrEnum):
    """``Member == "code"``; ``Member.description`` is the code's published name."""

    description: str

    def __new__(cls, value: str, description: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    @classmethod
    def lookup(cls, code: str) -> Self | None:
        """The member for ``code``, or None for a code outside the list."""
        return cls._value2member_map_.get(code)  # type: ignore[return-value]

    @classmethod
    def describe(cls, code: str) -> str | None:
        """The description of ``code``, or None when the code is not in the list."""
        member = cls.lookup(code)
        return member.description if member is not None else None
