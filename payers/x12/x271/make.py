"""A decoded 271 made in memory (the simulated payer's answers, replies that come as JSON).

What is made is the reader's own model (Eligibility271, Level, Party, Benefit), so the
summary, verify() and the 271 writer cannot tell a made answer from a read one. Values are
kept as given: nothing is cut to an X12 element length, and free text keeps its delimiters
(the writer, not the model, is where X12's character rules apply).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from payers.x12.delimiters import Delimiters
from payers.x12.x270 import GUIDE
from payers.x12.x271.loops import Benefit, Eligibility271, Level
from payers.x12.x271.parts import (
    Contact,
    DateRef,
    Demographics,
    Name,
    Party,
    Reference,
    Rejection,
    Trace,
)

# The model keeps each EB as one segment text (Level.benefit_texts, split only when read,
# which keeps reading a large 271 cheap). A made EB is joined with ASCII separator controls:
# no code or number holds them, and free text is cleared of control characters (_plain).
MADE = Delimiters("\x1f", "\x1e", "\x1d", "\x1c")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_NEXT_LEVEL = {"": "A", "A": "B", "B": "C", "C": "D"}


def person(entity_id: str, last: str, *, first: str = "", member_id: str = "") -> Name:
    """NM1 of a person (IL subscriber, 03 dependent), with MI member id when there is one."""
    return Name(entity_id, "1", last, first, "", "", "MI" if member_id else "", member_id, "")


def organization(entity_id: str, name: str, *, qualifier: str = "",
                 identifier: str = "") -> Name:
    """NM1 of an organisation (PR payer, 1P provider, VN vendor...)."""
    return Name(entity_id, "2", name, "", "", "", qualifier if identifier else "",
                identifier, "")


def entity(name: Name, *, phone: str = "") -> Party:
    """A 2120 benefit-related entity (its loop letter is set when its benefit is added)."""
    contacts = [Contact("IC", "", [("TE", phone)])] if phone else []
    return Party("2120", name, contacts=contacts)


def eb(code: str, *, coverage_level: str = "", service_types: Sequence[str] = (),
       insurance_type: str = "", plan_description: str = "", time_period: str = "",
       amount: Decimal | None = None, percent: Decimal | None = None,
       quantity_qualifier: str = "", quantity: Decimal | None = None,
       auth_required: bool | None = None, network: str = "") -> list[str]:
    """The elements of one EB segment, as the reader keeps them (trailing empties dropped)."""
    auth = "" if auth_required is None else "Y" if auth_required else "N"
    elements = ["EB", code, coverage_level, (MADE.repetition or "").join(service_types),
                insurance_type, _plain(plan_description), time_period, _number(amount),
                _number(percent), quantity_qualifier, _number(quantity), auth, network]
    while elements[-1] == "":
        elements.pop()
    return elements


def benefit(elements: list[str], *, messages: Iterable[str] = (),
            entity: Party | None = None) -> Benefit:
    """A 2110 loop: the EB ``elements`` with its MSG lines (kept whole) and 2120 entity."""
    made = Benefit(elements, 0, "", MADE)
    attached: list[tuple[str, Any, int]] = [("MSG", ["MSG", text], 0) for text in messages]
    if entity is not None:
        attached.append(("2120", entity, 0))
    made.attached = attached or None
    return made


class Made271:
    """An Eligibility271 made level by level, in the order a 271 lists them.

    Positions count the made segments in that order, so an error about a made value names
    a place as it would in the written 271.
    """

    def __init__(self, *, control_number: str, reference: str,
                 created: dt.datetime | None = None) -> None:
        self.answer = Eligibility271(
            control_number, GUIDE, "11", reference,
            created.strftime("%Y%m%d") if created else "",
            created.strftime("%H%M") if created else "", [], [], 0)
        self.position = 1  # the BHT
        self.levels = 0

    def _next(self) -> int:
        self.position += 1
        return self.position

    def level(self, name: Name, *, parent: Level | None = None) -> Level:
        """A 2000 level under ``parent`` (a 2000A information source without one)."""
        letter = _NEXT_LEVEL[parent.loop[-1] if parent is not None else ""]
        self.levels += 1
        self._next()
        made = Level("2000" + letter, str(self.levels), Party("2100" + letter), MADE)
        if parent is None:
            self.answer.sources.append(made)
        else:
            parent.children.append(made)
        made.party.name = name
        self._next()
        return made

    def trace(self, level: Level, trace_type: str, reference: str, originator: str) -> None:
        level.traces.append(Trace(trace_type, reference, originator, ""))
        self._next()

    def reference(self, party: Party, qualifier: str, value: str) -> None:
        party.references.append(Reference(qualifier, value, ""))
        self._next()

    def rejection(self, party: Party, reason: str, follow_up: str, *,
                  valid_request: bool = False, text: str = "") -> None:
        party.rejections.append(Rejection(party.loop, valid_request, reason, follow_up,
                                          self._next(), _plain(text)))

    def born(self, party: Party, day: dt.date, gender: str = "") -> None:
        party.demographics = Demographics(["DMG", "D8", f"{day:%Y%m%d}", gender], self._next())

    def date(self, party: Party, qualifier: str, day: dt.date) -> None:
        party.dates.append(DateRef(["DTP", qualifier, "D8", f"{day:%Y%m%d}"], self._next()))

    def benefits(self, level: Level, benefits: Iterable[Benefit]) -> None:
        """Add 2110 loops to ``level`` (made by benefit(), in order)."""
        letter = level.loop[-1]
        for made in benefits:
            index = len(level.benefit_texts)
            level.benefit_texts.append(MADE.element.join(made.elements))
            level.benefit_positions.append(self._next())
            attached: list[tuple[str, Any, int]] = []
            for tag, item, _ in made.attached or ():
                if isinstance(item, Party):
                    item.loop = "2120" + letter
                attached.append((tag, item, self._next()))
            if attached:
                level.attachments[index] = attached

    def done(self) -> Eligibility271:
        return self.answer


def _plain(text: str) -> str:
    return _CONTROLS.sub(" ", text)


def _number(value: Decimal | None) -> str:
    """A decimal as an X12 R element: no exponent, no trailing zeros after the point."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
