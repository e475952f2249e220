"""278 response reader (005010X217): the reviewer's decision as an authorization record."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from payers.x12.codes import AaaReason, FollowUpAction
from payers.x12.codes.x278 import (
    ActionCode,
    DateQualifier,
    QuantityQualifier,
    ReferenceQualifier,
    UnitBasis,
)
from payers.x12.elements import (
    At,
    element,
    optional,
    parse_date,
    parse_decimal,
    parse_period,
)
from payers.x12.envelope import Transaction, iter_transactions
from payers.x12.errors import X12StructureError
from payers.x12.x278.types import (
    AuthorizationResponse,
    Certification,
    Decision,
    Member,
    Quantity,
    Review,
    ReviewDate,
    ServiceCode,
    ValidationError,
)

# HL03 level code -> (loop of the level, loop of the names inside it).
_LEVELS = {
    "20": ("2000A", "2010A"), "21": ("2000B", "2010B"), "22": ("2000C", "2010C"),
    "23": ("2000D", "2010D"), "EV": ("2000E", "2010E"), "SS": ("2000F", "2010F"),
}
# The loops naming whom the review is about: NM101 entity code of each.
_MEMBERS = {"2000C": "IL", "2000D": "QC"}


def read_278(transaction: Transaction) -> AuthorizationResponse:
    """Read one 278 transaction set (a response, or a request read back)."""
    if transaction.set_id != "278":
        raise X12StructureError("transaction set is not a 278", position=transaction.start,
                                segment_id="ST")
    return _Walker(transaction).run()


def read_278_text(data: str | bytes, *, strict: bool = False) -> list[AuthorizationResponse]:
    """Every 278 in an interchange, read with ``read_278``."""
    return [read_278(t) for t in iter_transactions(data, strict=strict) if t.set_id == "278"]


class _Level:
    """Mutable collector for one 2000E/2000F level while its segments are walked."""

    def __init__(self, level: str) -> None:
        self.level = level
        self.values: dict[str, Any] = {}
        self.trace_numbers: list[str] = []
        self.dates: list[ReviewDate] = []
        self.quantities: list[Quantity] = []
        self.errors: list[ValidationError] = []
        self.services: list[_Level] = []

    def freeze(self) -> Review:
        return Review(
            level=self.level, trace_numbers=tuple(self.trace_numbers), dates=tuple(self.dates),
            quantities=tuple(self.quantities), errors=tuple(self.errors),
            services=tuple(s.freeze() for s in self.services), **self.values)


class _Walker:
    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction
        self.component = transaction.delimiters.component
        self.errors: list[ValidationError] = []
        self.events: list[_Level] = []
        self.members: dict[str, Member] = {}

    def run(self) -> AuthorizationResponse:
        rows = self.transaction.segments
        if len(rows) < 3 or rows[1][0] != "BHT":
            raise X12StructureError("278 has no BHT after ST", position=self.transaction.start,
                                    segment_id="ST")
        bht = rows[1]
        level: _Level | None = None
        loop, names = "", ""
        in_names = False
        for index, row in enumerate(rows[2:-1], start=2):
            at = At(self.transaction.position(index), row[0])
            if row[0] == "HL":
                code = element(row, 3)
                if code not in _LEVELS:
                    raise X12StructureError("HL03 is not a 278 level code",
                                            position=at.position, segment_id="HL")
                (loop, names), in_names = _LEVELS[code], False
                level = self._open(code, at)
            elif row[0] == "NM1":
                in_names = True
                if _MEMBERS.get(loop) == element(row, 1):
                    self.members[loop] = Member(
                        last_name=element(row, 3), first_name=optional(row, 4),
                        member_id=optional(row, 9) if element(row, 8) == "MI" else None)
            elif row[0] == "DMG" and in_names and loop in self.members:
                if element(row, 1) == "D8" and element(row, 2):
                    self.members[loop] = replace(
                        self.members[loop], birth_date=parse_date(element(row, 2), at, "DMG02"))
            elif row[0] == "AAA":
                error = self._aaa(row, names if in_names else loop)
                self.errors.append(error)
                if level is not None:
                    level.errors.append(error)
            elif level is not None and not in_names:
                self._segment(level, row, at)
        events = tuple(e.freeze() for e in self.events)
        if not events and not self.errors:
            raise X12StructureError("278 has neither a patient event level nor an AAA error",
                                    position=self.transaction.start, segment_id="ST")
        return replace(_summary(self.transaction, bht, events, tuple(self.errors)),
                       subscriber=self.members.get("2000C"),
                       dependent=self.members.get("2000D"))

    def _open(self, code: str, at: At) -> _Level | None:
        if code == "EV":
            self.events.append(_Level("event"))
            return self.events[-1]
        if code == "SS":
            if not self.events:
                raise X12StructureError("service level (HL SS) outside a patient event",
                                        position=at.position, segment_id="HL")
            service = _Level("service")
            self.events[-1].services.append(service)
            return service
        if self.events:
            raise X12StructureError("subscriber or provider level after a patient event",
                                    position=at.position, segment_id="HL")
        return None

    def _aaa(self, row: list[str], loop: str) -> ValidationError:
        valid, reason, follow = element(row, 1), element(row, 3), element(row, 4)
        return ValidationError(
            loop=loop, valid_request={"Y": True, "N": False}.get(valid),
            reason_code=reason, reason=AaaReason.describe(reason),
            follow_up_code=follow, follow_up=FollowUpAction.describe(follow))

    def _segment(self, level: _Level, row: list[str], at: At) -> None:
        tag, values = row[0], level.values
        if tag == "TRN":
            level.trace_numbers.append(element(row, 2))
        elif tag == "UM":
            values.update(request_category=optional(row, 1), certification_type=optional(row, 2),
                          service_type=optional(row, 3),
                          place_of_service=element(row, 4).split(self.component)[0] or None)
        elif tag == "HCR":
            values["decision"] = _decision(row, at)
        elif tag == "REF":
            key = {ReferenceQualifier.ADMINISTRATIVE_REFERENCE.value: "administrative_reference",
                   ReferenceQualifier.PREVIOUS_AUTHORIZATION.value: "previous_authorization"
                   }.get(element(row, 1))
            if key:
                values[key] = optional(row, 2)
        elif tag == "DTP":
            start, end = parse_period(element(row, 2), element(row, 3), at, "DTP03")
            qualifier = element(row, 1)
            level.dates.append(ReviewDate(qualifier=qualifier, start=start, end=end,
                                             description=DateQualifier.describe(qualifier)))
        elif tag == "HSD":
            level.quantities.append(_quantity(row, at))
        elif tag in ("SV1", "SV2", "SV3"):
            values["service"] = self._service(row, at)

    def _service(self, row: list[str], at: At) -> ServiceCode:
        # SV2 (institutional) puts the procedure in SV202, after the revenue code.
        composite = element(row, 2 if row[0] == "SV2" else 1)
        parts = composite.split(self.component)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise at.error(f"{row[0]} has no procedure code")
        units_at, basis_at = (4, 3) if row[0] == "SV1" else (5, 4)
        units = element(row, units_at)
        return ServiceCode(
            qualifier=parts[0], code=parts[1], modifiers=tuple(p for p in parts[2:6] if p),
            units=parse_decimal(units, at, f"{row[0]}{units_at:02d}") if units else None,
            unit_basis=optional(row, basis_at) if row[0] != "SV3" else None)


def _decision(row: list[str], at: At) -> Decision:
    action = ActionCode.lookup(element(row, 1))
    if action is None:
        raise at.error("HCR01 is not a known action code")
    return Decision(action=action.value, action_description=action.description,
                    certification_number=optional(row, 2), reason_code=optional(row, 3))


def _quantity(row: list[str], at: At) -> Quantity:
    qualifier, periods = element(row, 1), element(row, 6)
    if not qualifier:
        raise at.error("HSD01 is missing")
    return Quantity(
        qualifier=qualifier, description=QuantityQualifier.describe(qualifier),
        quantity=parse_decimal(element(row, 2), at, "HSD02"),
        per_unit=optional(row, 3), period=optional(row, 5),
        periods=parse_decimal(periods, at, "HSD06") if periods else None)


def _summary(transaction: Transaction, bht: list[str], events: tuple[Review, ...],
             errors: tuple[ValidationError, ...]) -> AuthorizationResponse:
    certifications = tuple(_certification(event) for event in events)
    first = certifications[0] if certifications else None
    return AuthorizationResponse(
        control_number=transaction.control_number, reference=element(bht, 3),
        is_response=element(bht, 2) == "11",
        action=first.action if first else None,
        action_description=first.action_description if first else None,
        certification_number=first.certification_number if first else None,
        approved_quantity=first.approved_quantity if first else None,
        quantity_unit=first.quantity_unit if first else None,
        quantity_unit_description=first.quantity_unit_description if first else None,
        start_date=first.start_date if first else None,
        end_date=first.end_date if first else None,
        tracking_number=first.tracking_number if first else None,
        errors=errors, events=events,
        trace_numbers=first.trace_numbers if first else (),
        certifications=certifications)


def _certification(event: Review) -> Certification:
    levels = [event, *event.services]
    decided = next((r for r in levels if r.decision is not None), None)
    decision = decided.decision if decided else None
    quantity = _approved(levels) if decision and ActionCode(decision.action).approves else None
    start, end = next((r.period() for r in levels if r.period() != (None, None)), (None, None))
    return Certification(
        action=decision.action if decision else None,
        action_description=decision.action_description if decision else None,
        certification_number=next(
            (r.decision.certification_number for r in levels
             if r.decision and r.decision.certification_number), None),
        approved_quantity=quantity.quantity if quantity else None,
        quantity_unit=quantity.qualifier if quantity else None,
        quantity_unit_description=quantity.description if quantity else None,
        start_date=start, end_date=end,
        tracking_number=next(
            (r.administrative_reference for r in levels if r.administrative_reference), None),
        trace_numbers=event.trace_numbers,
        codes=tuple(sorted({s.service.code for s in event.services if s.service is not None})))


def _approved(levels: list[Review]) -> Quantity | None:
    """The event's HSD, else the first service line's HSD or SV1 units."""
    for review in levels:
        if review.quantities:
            return review.quantities[0]
        if review.service and review.service.units is not None:
            basis = review.service.unit_basis or UnitBasis.UNITS.value
            return Quantity(qualifier=basis, description=UnitBasis.describe(basis),
                            quantity=review.service.units)
    return None
