"""The tables of the in-memory unit of work: committed rows, and those added since."""

from __future__ import annotations

from typing import Any


class Rows:
    """The rows of one table: committed ones, and those added since the last commit."""

    def __init__(self) -> None:
        self.committed: list[Any] = []
        self.pending: list[Any] = []

    def all(self) -> list[Any]:
        return [*self.committed, *self.pending]


Tables = dict[str, Rows]
