"""271 loops as objects: 2110 benefits, 2000 levels, patients and the decoded transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from payers.x12.codes import (
    CoverageLevel,
    EligibilityCode,
    InsuranceType,
    QuantityQualifier,
    ServiceType,
    TimePeriod,
)
from payers.x12.delimiters import Delimiters
from payers.x12.envelope import X12Warning
from payers.x12.x271.parts import (
    DateRef,
    Party,
    Procedure,
    Reference,
    Rejection,
    ServiceDelivery,
    Trace,
    decimal_text,
    iso_date,
    pad_elements,
    parse_amount,
    parse_date,
    reference_from_ref,
    rejection_from_aaa,
)


class Benefit:
    """A 2110C/D loop: one EB segment with its HSD, REF, DTP, AAA, MSG, III and 2120 loops.

    ``elements`` is the raw EB element list (trailing empty elements may be absent). Named
    accessors convert on access, so a large response costs little until a caller reads it;
    a value that cannot be converted raises X12ElementError then. Attached segments are
    kept in order and turned into objects when their accessor is read.
    """

    __slots__ = ("elements", "position", "loop", "_delimiters", "attached")

    def __init__(self, elements: list[str], position: int, loop: str,
                 delimiters: Delimiters) -> None:
        self.elements = elements
        self.position = position
        self.loop = loop
        self._delimiters = delimiters
        # Raw attached segments in order: (tag, elements, position), or ("2120", Party, position)
        # for a related-entity loop; None when the EB has none (most do not).
        self.attached: list[tuple[str, Any, int]] | None = None

    def _el(self, index: int) -> str:
        e = self.elements
        return e[index] if index < len(e) else ""

    def _items(self, tag: str) -> list[tuple[Any, int]]:
        attached = self.attached
        if attached is None:
            return []
        return [(item, position) for t, item, position in attached if t == tag]

    code = property(lambda self: self._el(1), doc="EB01 eligibility or benefit code")
    coverage_level = property(lambda self: self._el(2), doc="EB02 (IND, FAM, EMP...)")
    insurance_type = property(lambda self: self._el(4), doc="EB04")
    plan_description = property(lambda self: self._el(5), doc="EB05 plan coverage description")
    time_period = property(lambda self: self._el(6), doc="EB06 time period qualifier")
    quantity_qualifier = property(lambda self: self._el(9), doc="EB09 (VS visits, DY days...)")
    network = property(lambda self: self._el(12), doc="EB12 Y in, N out, W both, U unknown")

    @property
    def service_types(self) -> list[str]:
        """EB03, repeated with the repetition separator; [] when absent."""
        raw = self._el(3)
        if not raw:
            return []
        repetition = self._delimiters.repetition
        if repetition is None or repetition not in raw:
            return [raw]
        return [c for c in raw.split(repetition) if c]

    @property
    def amount(self) -> Decimal | None:
        """EB07 monetary amount in dollars."""
        return parse_amount(self._el(7), self.position, "EB07")

    @property
    def percent(self) -> Decimal | None:
        """EB08 percent as a decimal fraction; coinsurance is the patient's share."""
        return parse_amount(self._el(8), self.position, "EB08")

    @property
    def quantity(self) -> Decimal | None:
        """EB10 quantity qualified by EB09."""
        return parse_amount(self._el(10), self.position, "EB10")

    @property
    def authorization_required(self) -> bool | None:
        """EB11: True 'Y', False 'N', None unknown or absent."""
        flag = self._el(11)
        return True if flag == "Y" else False if flag == "N" else None

    @property
    def procedure(self) -> Procedure | None:
        """EB13 composite procedure (HC:90837[:modifier...])."""
        raw = self._el(13)
        if not raw:
            return None
        parts = raw.split(self._delimiters.component)
        return Procedure(parts[0], parts[1] if len(parts) > 1 else "", parts[2:6])

    @property
    def diagnosis_pointers(self) -> list[str]:
        raw = self._el(14)
        return [p for p in raw.split(self._delimiters.component) if p] if raw else []

    @property
    def code_description(self) -> str | None:
        return EligibilityCode.describe(self.code)

    @property
    def deliveries(self) -> list[ServiceDelivery]:
        """HSD segments."""
        return [ServiceDelivery(e, p) for e, p in self._items("HSD")]

    @property
    def references(self) -> list[Reference]:
        return [reference_from_ref(e) for e, _ in self._items("REF")]

    @property
    def dates(self) -> list[DateRef]:
        return [DateRef(e, p) for e, p in self._items("DTP")]

    @property
    def rejections(self) -> list[Rejection]:
        return [rejection_from_aaa(e, self.loop, p) for e, p in self._items("AAA")]

    @property
    def messages(self) -> list[str]:
        """MSG free-text lines, verbatim."""
        return [e[1] if len(e) > 1 else "" for e, _ in self._items("MSG")]

    @property
    def places(self) -> list[tuple[str, str]]:
        """2115 III (qualifier, code) pairs, e.g. ("ZZ", "11") for office."""
        return [(pad_elements(e, 3)[1], pad_elements(e, 3)[2]) for e, _ in self._items("III")]

    @property
    def entities(self) -> list[Party]:
        """2120 loops (benefit related entities), in order."""
        return [party for party, _ in self._items("2120")]

    def date(self, qualifier: str) -> DateRef | None:
        return next((d for d in self.dates if d.qualifier == qualifier), None)

    def to_dict(self) -> dict[str, Any]:
        procedure = self.procedure
        return {
            "loop": self.loop, "code": self.code, "code_description": self.code_description,
            "coverage_level": self.coverage_level,
            "coverage_level_description": CoverageLevel.describe(self.coverage_level),
            "service_types": [{"code": c, "description": ServiceType.describe(c)}
                              for c in self.service_types],
            "insurance_type": self.insurance_type,
            "insurance_type_description": InsuranceType.describe(self.insurance_type),
            "plan_description": self.plan_description, "time_period": self.time_period,
            "time_period_description": TimePeriod.describe(self.time_period),
            "amount": decimal_text(self.amount), "percent": decimal_text(self.percent),
            "quantity_qualifier": self.quantity_qualifier,
            "quantity_qualifier_description": QuantityQualifier.describe(
                self.quantity_qualifier),
            "quantity": decimal_text(self.quantity),
            "authorization_required": self.authorization_required, "network": self.network,
            "procedure": procedure.to_dict() if procedure else None,
            "diagnosis_pointers": self.diagnosis_pointers,
            "deliveries": [h.to_dict() for h in self.deliveries],
            "references": [r.to_dict() for r in self.references],
            "dates": [d.to_dict() for d in self.dates],
            "rejections": [r.to_dict() for r in self.rejections], "messages": self.messages,
            "places": [{"qualifier": q, "code": c} for q, c in self.places],
            "entities": [p.to_dict() for p in self.entities],
        }


@dataclass(slots=True, eq=False, init=False)
class Level:
    """A 2000A/B/C/D hierarchical level with its 2100 party and (C/D) 2110 benefits.

    Benefits are kept as their raw EB segment texts (``benefit_texts``) and become Benefit
    objects when read through ``benefits`` or ``benefit(index)``: a 271 lists dozens of EBs
    and most callers look at a few.
    """

    loop: str  # "2000A" ... "2000D"
    hl_id: str
    party: Party
    delimiters: Delimiters
    rejections: list[Rejection] = field(default_factory=list)  # AAA directly in 2000x
    traces: list[Trace] = field(default_factory=list)
    children: list[Level] = field(default_factory=list)
    benefit_texts: list[str] = field(default_factory=list)  # raw EB segments, in order
    benefit_positions: list[int] = field(default_factory=list)
    # Segments attached to the benefit at an index (HSD, REF, DTP, AAA, MSG, III, 2120).
    attachments: dict[int, list[tuple[str, Any, int]]] = field(default_factory=dict)
    _cache: dict[int, Benefit] = field(default_factory=dict, init=False, repr=False)

    # Written out: a 271 makes a level per HL, and the generated __init__ calls a factory
    # per list and dict field.
    def __init__(self, loop: str, hl_id: str, party: Party, delimiters: Delimiters,
                 rejections: list[Rejection] | None = None, traces: list[Trace] | None = None,
                 children: list[Level] | None = None,
                 benefit_texts: list[str] | None = None,
                 benefit_positions: list[int] | None = None,
                 attachments: dict[int, list[tuple[str, Any, int]]] | None = None) -> None:
        self.loop = loop
        self.hl_id = hl_id
        self.party = party
        self.delimiters = delimiters
        self.rejections = [] if rejections is None else rejections
        self.traces = [] if traces is None else traces
        self.children = [] if children is None else children
        self.benefit_texts = [] if benefit_texts is None else benefit_texts
        self.benefit_positions = [] if benefit_positions is None else benefit_positions
        self.attachments = {} if attachments is None else attachments
        self._cache = {}

    @property
    def benefits(self) -> list[Benefit]:
        """The 2110 loops in order."""
        return [self.benefit(i) for i in range(len(self.benefit_texts))]

    def benefit(self, index: int) -> Benefit:
        """The 2110 loop at ``index`` (made once, then reused)."""
        found = self._cache.get(index)
        if found is None:
            found = Benefit(self.benefit_texts[index].split(self.delimiters.element),
                            self.benefit_positions[index], "2110" + self.loop[-1],
                            self.delimiters)
            found.attached = self.attachments.get(index)
            self._cache[index] = found
        return found

    def all_rejections(self) -> Iterator[Rejection]:
        """AAA of this level, its 2100 loop and its 2110 loops, in that order."""
        yield from self.rejections
        yield from self.party.rejections
        for index in sorted(self.attachments):
            yield from self.benefit(index).rejections

    def to_dict(self) -> dict[str, Any]:
        return {"loop": self.loop, "hl_id": self.hl_id, "party": self.party.to_dict(),
                "rejections": [r.to_dict() for r in self.rejections],
                "traces": [t.to_dict() for t in self.traces],
                "benefits": [b.to_dict() for b in self.benefits],
                "children": [c.to_dict() for c in self.children]}


@dataclass(slots=True, eq=False)
class Patient:
    """One person benefits are reported for: a subscriber, or a dependent under one."""

    subscriber: Level
    dependent: Level | None

    @property
    def level(self) -> Level:
        return self.dependent if self.dependent is not None else self.subscriber

    def rejections(self) -> list[Rejection]:
        """AAA at this patient's loops and above (source, receiver, subscriber)."""
        found = list(self.subscriber.all_rejections())
        if self.dependent is not None:
            found.extend(self.dependent.all_rejections())
        return found


@dataclass(slots=True, eq=False)
class Eligibility271:
    """A decoded 271 transaction set."""

    control_number: str
    implementation: str
    purpose: str  # BHT02: 11 response, 06 confirmation
    reference: str  # BHT03: echoes the 270's BHT03
    date_text: str
    time: str
    sources: list[Level]
    warnings: list[X12Warning]
    start: int

    @property
    def date(self) -> dt.date | None:
        """BHT04 creation date."""
        return parse_date(self.date_text, self.start + 1, "BHT04") if self.date_text else None

    def levels(self, letter: str) -> list[Level]:
        """Every 2000<letter> level, in order."""
        found: list[Level] = []
        stack = list(reversed(self.sources))
        while stack:
            level = stack.pop()
            if level.loop[-1] == letter:
                found.append(level)
            stack.extend(reversed(level.children))
        return found

    def patients(self) -> list[Patient]:
        """Each subscriber without dependents, and each dependent with its subscriber."""
        result: list[Patient] = []
        for source in self.sources:
            for receiver in source.children:
                for subscriber in receiver.children:
                    if subscriber.children:
                        result.extend(Patient(subscriber, d) for d in subscriber.children)
                    else:
                        result.append(Patient(subscriber, None))
        return result

    def rejections(self) -> list[Rejection]:
        found: list[Rejection] = []
        for letter in "ABCD":
            for level in self.levels(letter):
                found.extend(level.all_rejections())
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"set_id": "271", "control_number": self.control_number,
                "implementation": self.implementation, "purpose": self.purpose,
                "reference": self.reference, "date": iso_date(self.date), "time": self.time,
                "sources": [s.to_dict() for s in self.sources],
                "warnings": [{"code": w.code, "message": w.message, "position": w.position}
                             for w in self.warnings]}
