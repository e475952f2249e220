"""271 eligibility response reader (005010X279A1, tolerant of 004010X092) into dataclasses."""

from __future__ import annotations

from typing import Any

from payers.x12.envelope import Transaction, X12Warning, iter_transactions
from payers.x12.errors import X12StructureError
from payers.x12.x271.loops import Benefit, Eligibility271, Level, Patient
from payers.x12.x271.parts import (
    Address,
    Contact,
    DateRef,
    Demographics,
    MemberInfo,
    Name,
    Party,
    Procedure,
    ProviderInfo,
    Reference,
    Rejection,
    ServiceDelivery,
    Trace,
    contact_from_per,
    name_from_nm1,
    pad_elements,
    parse_amount,
    parse_date,
    reference_from_ref,
    rejection_from_aaa,
)

__all__ = [
    "Address", "Benefit", "Contact", "DateRef", "Demographics", "Eligibility271", "Level",
    "MemberInfo", "Name", "Party", "Patient", "Procedure", "ProviderInfo", "Reference",
    "Rejection", "ServiceDelivery", "Trace", "parse_amount", "parse_date", "read_271",
    "read_271s", "rejection_from_aaa",
]

# HL03 hierarchical level code -> loop letter (2000A information source ... 2000D dependent).
_LEVELS = {"20": "A", "21": "B", "22": "C", "23": "D"}
_PARENT_LEVEL = {"A": None, "B": "A", "C": "B", "D": "C"}


def read_271s(data: str | bytes, *, strict: bool = False) -> list[Eligibility271]:
    """Decode every 271 transaction set in an interchange (other sets are skipped)."""
    return [read_271(t) for t in iter_transactions(data, strict=strict) if t.set_id == "271"]


def read_271(transaction: Transaction) -> Eligibility271:
    """Decode one 271 transaction set; X12StructureError/X12ElementError when unreadable."""
    if transaction.set_id != "271":
        raise X12StructureError("transaction set is not a 271", position=transaction.start,
                                segment_id="ST")
    return _Walker(transaction).run()


_BENEFIT_DETAIL = frozenset({"MSG", "HSD", "III", "REF", "DTP", "AAA"})
_ENVELOPE_TAGS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


def _plausible_tag(tag: str) -> bool:
    return 2 <= len(tag) <= 3 and tag.isascii() and tag.isalnum() and tag.isupper()


class _Walker:
    """One pass over the segments, tracking the current level, 2100 party, benefit and 2120."""

    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction
        self.warnings = list(transaction.warnings)

    def run(self) -> Eligibility271:
        t = self.transaction
        texts = t.raw_segments
        start = t.start
        element = t.delimiters.element
        eb_prefix = "EB" + element
        sources: list[Level] = []
        by_id: dict[str, Level] = {}
        latest: dict[str, Level] = {}
        level: Level | None = None
        party: Party | None = None  # the 2100 party, once its NM1 has been read
        rows: list[str] | None = None  # the current C/D level's EB segment texts
        positions: list[int] = []
        attachments: dict[int, list[tuple[str, Any, int]]] = {}
        # The current EB is rows[-1] (none while ``rows`` is empty): EBs are most of a 271,
        # so reading one only appends it; details find their EB from len(rows).
        owner = -1  # index of the EB whose LS/LE 2120 loop is open
        letter = ""
        entity: Party | None = None  # the current 2120 loop
        in_ls = False
        bht: list[str] = []
        last = len(texts) - 1
        for position, text in enumerate(texts[1:last], start + 1):
            # EBs are most of a 271 and are split only when read; everything else now.
            if text.startswith(eb_prefix) or text == "EB":
                if rows is None or in_ls:
                    if rows is None:
                        raise X12StructureError("EB outside a subscriber or dependent level",
                                                position=position, segment_id="EB")
                    raise X12StructureError("EB inside an LS/LE 2120 loop (LE missing)",
                                            position=position, segment_id="EB")
                rows.append(text)
                positions.append(position)
                continue
            e = text.split(element)
            tag = e[0]
            if tag in _BENEFIT_DETAIL and rows and not in_ls:
                # MSG, HSD, III, and REF/DTP/AAA once inside a 2110 loop.
                attachments.setdefault(len(rows) - 1, []).append((tag, e, position))
            elif tag == "DTP":
                if party is None:
                    raise self._misplaced(position, tag)
                party.dates.append(DateRef(e, position))
            elif tag == "REF":
                if party is None:
                    raise self._misplaced(position, tag)
                party.references.append(reference_from_ref(e))
            elif tag == "LS":
                if not rows or in_ls:
                    raise self._misplaced(position, tag)
                in_ls, entity, owner = True, None, len(rows) - 1
            elif tag == "LE":
                if not in_ls:
                    raise X12StructureError("LE without a matching LS", position=position,
                                            segment_id="LE")
                in_ls, entity = False, None
            elif tag == "NM1":
                name = name_from_nm1(e)
                if in_ls:
                    entity = Party("2120" + letter, name)
                    attachments.setdefault(owner, []).append(("2120", entity, position))
                elif level is None or rows or party is not None:
                    raise X12StructureError("NM1 after the loop's name and outside LS/LE",
                                            position=position, segment_id="NM1")
                else:
                    party = level.party
                    party.name = name
            elif tag == "AAA":
                if level is None:
                    raise self._misplaced(position, tag)
                if party is not None:
                    party.rejections.append(rejection_from_aaa(e, party.loop, position))
                else:
                    level.rejections.append(rejection_from_aaa(e, level.loop, position))
            elif tag == "HL":
                level = self._level(e, position, sources, by_id, latest)
                party = entity = None
                in_ls = False
                letter = level.loop[-1]
                rows = level.benefit_texts if letter in "CD" else None
                positions, attachments = level.benefit_positions, level.attachments
            elif tag in ("N3", "N4", "PER", "PRV"):
                if in_ls and entity is None:
                    # 4010 responses may open a 2120 loop without its NM1.
                    entity = Party("2120" + letter)
                    attachments.setdefault(owner, []).append(("2120", entity, position))
                target = entity if in_ls else party if not rows else None
                if target is None:
                    raise self._misplaced(position, tag)
                _party_detail(target, tag, e)
            elif tag == "TRN":
                if level is None or party is not None or rows is None:
                    raise self._misplaced(position, tag)
                p = pad_elements(e, 5)
                level.traces.append(Trace(p[1], p[2], p[3], p[4]))
            elif tag in ("DMG", "INS", "HI", "MPI"):
                if party is None or rows:
                    raise self._misplaced(position, tag)
                _person_detail(party, tag, e, position, t.delimiters.component)
            elif tag == "BHT":
                if position != start + 1:
                    raise self._misplaced(position, tag)
                bht = pad_elements(e, 6)
            elif tag in _BENEFIT_DETAIL:
                raise X12StructureError(f"{tag} outside an EB benefit loop", position=position,
                                        segment_id=tag)
            elif not _plausible_tag(tag) or tag in _ENVELOPE_TAGS:
                raise X12StructureError("segment with an unreadable tag or an envelope "
                                        "segment inside the transaction set",
                                        position=position)
            else:
                self.warnings.append(X12Warning(
                    "UNEXPECTED_SEGMENT", f"segment {tag} is not part of a 271 and was skipped",
                    position))
        if in_ls:
            raise X12StructureError("LS without a matching LE before SE",
                                    position=start + last, segment_id="SE")
        if not bht:
            raise X12StructureError("271 has no BHT segment", position=start, segment_id="ST")
        if not sources:
            raise X12StructureError("271 has no information source level (HL 20)",
                                    position=start, segment_id="ST")
        return Eligibility271(t.control_number, t.implementation, bht[2], bht[3], bht[4], bht[5],
                              sources, self.warnings, start)

    def _misplaced(self, position: int, tag: str) -> X12StructureError:
        return X12StructureError(f"{tag} is not allowed at this point of the 271",
                                 position=position, segment_id=tag)

    def _level(self, e: list[str], position: int, sources: list[Level],
               by_id: dict[str, Level], latest: dict[str, Level]) -> Level:
        if len(e) < 5:
            e = pad_elements(e, 5)
        letter = _LEVELS.get(e[3])
        if letter is None or not e[1]:
            raise X12StructureError("HL01 or HL03 is missing or not a 271 level (20-23)",
                                    position=position, segment_id="HL")
        level = Level("2000" + letter, e[1], Party("2100" + letter),
                      self.transaction.delimiters)
        parent_letter = _PARENT_LEVEL[letter]
        if parent_letter is None:
            sources.append(level)
        else:
            parent = by_id.get(e[2])
            if parent is None or parent.loop[-1] != parent_letter:
                parent = latest.get(parent_letter)
                if parent is None:
                    raise X12StructureError(f"HL level {e[3]} has no parent level",
                                            position=position, segment_id="HL")
                self.warnings.append(X12Warning(
                    "HL_PARENT", "HL02 does not name the enclosing level; attached to the "
                    "preceding one", position))
            parent.children.append(level)
        by_id[e[1]] = latest[letter] = level
        return level


def _party_detail(party: Party, tag: str, e: list[str]) -> None:
    if tag == "PER":
        party.contacts.append(contact_from_per(e))
    elif tag == "PRV":
        p = pad_elements(e, 4)
        party.provider = ProviderInfo(p[1], p[2], p[3])
    else:
        address = party.address if party.address is not None else Address()
        party.address = address
        if tag == "N3":
            address.lines.extend([x for x in e[1:3] if x])
        else:
            p = pad_elements(e, 5)
            address.city, address.state, address.postal_code, address.country = p[1:5]


def _person_detail(party: Party, tag: str, e: list[str], position: int, component: str) -> None:
    if tag == "DMG":
        party.demographics = Demographics(e, position)
    elif tag == "INS":
        p = pad_elements(e, 18)
        party.member = MemberInfo(p[1] == "Y", p[2], p[3], p[4], p[17])
    elif tag == "HI":
        party.diagnoses.extend(x.split(component, 2)[1] if component in x else x
                               for x in e[1:] if x)
