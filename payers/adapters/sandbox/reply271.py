"""The 271 writer: a decoded 271 (the reader's model, e.g. made with x271.make) out as X12.

The simulated payer answers with it. Values go through the codec's writer, which refuses
a delimiter or a character outside printable ASCII; text from outside X12 goes through
``clean`` first (X12 has no escape character, so such characters are replaced instead).
"""

from __future__ import annotations

from payers.x12.build import (
    Composite,
    Element,
    Envelope,
    Repeated,
    Segment,
    TransactionSet,
    seg,
    write_interchange,
)
from payers.x12.x270 import GUIDE
from payers.x12.x271.loops import Benefit, Eligibility271, Level
from payers.x12.x271.parts import Party, Rejection

_DELIMITERS = set("*~:^|>")
_HL_CODES = {"A": "20", "B": "21", "C": "22", "D": "23"}
_DETAILS = frozenset({"HSD", "REF", "DTP", "AAA", "MSG", "III"})


def clean(text: str | None) -> str | None:
    """Printable ASCII without delimiters, at most 80 characters; None when nothing is left."""
    if text is None:
        return None
    kept = "".join(c if " " <= c <= "~" and c not in _DELIMITERS else " " for c in text)
    kept = " ".join(kept.split())[:80].strip()
    return kept or None


def write_271(answer: Eligibility271, *, envelope: Envelope) -> str:
    """One interchange holding ``answer`` as one 271 (ST02 is its control number)."""
    return write_interchange(
        envelope=envelope, functional_id="HB", set_id="271", guide=GUIDE,
        transactions=[TransactionSet(control_number=int(answer.control_number),
                                     segments=_body(answer))])


def _body(answer: Eligibility271) -> list[Segment]:
    segments = [seg("BHT", "0022", answer.purpose, answer.reference, answer.date_text,
                    answer.time)]
    for source in answer.sources:
        _level(source, None, segments)
    return segments


def _level(level: Level, parent: str | None, segments: list[Segment]) -> None:
    segments.append(seg("HL", level.hl_id, parent, _HL_CODES[level.loop[-1]],
                        "1" if level.children else "0"))
    segments += [seg("TRN", t.trace_type, t.reference, t.originator, t.supplemental)
                 for t in level.traces]
    segments += _rejections(level.rejections)
    segments += _party(level.party)
    for benefit in level.benefits:
        segments += _benefit(benefit)
    for child in level.children:
        _level(child, level.hl_id, segments)


def _party(party: Party) -> list[Segment]:
    """A 2100 or 2120 loop in the TR3's order. Diagnoses (HI) are not written: the model
    keeps their codes without the code list qualifier."""
    segments: list[Segment] = []
    name = party.name
    if name is not None:
        segments.append(seg("NM1", name.entity_id, name.entity_type, name.last_or_organization,
                            name.first, name.middle, None, name.suffix, name.id_qualifier,
                            name.identifier, name.relationship))
    segments += [seg("REF", r.qualifier, r.value, r.description) for r in party.references]
    address = party.address
    if address is not None:
        segments += [seg("N3", *address.lines[:2]),
                     seg("N4", address.city, address.state, address.postal_code,
                         address.country)]
    segments += [seg("PER", c.function, c.name, *(x for pair in c.numbers for x in pair))
                 for c in party.contacts]
    segments += _rejections(party.rejections)
    if party.provider is not None:
        p = party.provider
        segments.append(seg("PRV", p.role, p.qualifier, p.taxonomy))
    born = party.demographics
    if born is not None:
        day = born.birth_date
        segments.append(seg("DMG", "D8" if day else None, f"{day:%Y%m%d}" if day else None,
                            born.gender))
    member = party.member
    if member is not None:
        segments.append(seg("INS", "Y" if member.is_subscriber else "N", member.relationship,
                            member.maintenance_type, member.maintenance_reason,
                            *([None] * 12), member.birth_sequence))
    segments += [seg("DTP", d.qualifier, d.format, d.value) for d in party.dates]
    return segments


def _rejections(rejections: list[Rejection]) -> list[Segment]:
    return [seg("AAA", {True: "Y", False: "N", None: None}[r.valid_request], None, r.reason,
                r.follow_up) for r in rejections]


def _benefit(benefit: Benefit) -> list[Segment]:
    elements: list[Element] = list(benefit.elements[1:])
    if len(elements) > 2 and elements[2]:
        elements[2] = Repeated(tuple(benefit.service_types))
    procedure = benefit.procedure
    if procedure is not None:
        elements[12] = Composite((procedure.qualifier, procedure.code, *procedure.modifiers))
    if benefit.diagnosis_pointers:
        elements[13] = Composite(tuple(benefit.diagnosis_pointers))
    segments = [seg("EB", *elements)]
    for tag, item, _ in benefit.attached or ():
        if tag in _DETAILS:
            segments.append(seg(tag, *item[1:]))
        else:  # a 2120 loop
            segments += [seg("LS", "2120"), *_party(item), seg("LE", "2120")]
    return segments
