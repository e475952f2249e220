"""What the simulated payer reads from a 270, using the codec's envelope reader."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from payers.x12.envelope import iter_transactions
from payers.x12.errors import X12Error


@dataclass(frozen=True, kw_only=True)
class Person:
    """A subscriber or dependent as the 270 names them."""

    last: str
    first: str | None = None
    member_id: str | None = None
    birth_date: date | None = None
    gender: str | None = None


@dataclass(kw_only=True)
class Read270:
    """The parts of one 270 a payer needs to answer it."""

    sender_id: str
    receiver_id: str
    usage: str
    control_number: int
    timestamp: datetime
    reference: str = ""
    payer_name: str = ""
    payer_id: str = ""
    provider_name: str = ""
    provider_npi: str = ""
    subscriber: Person | None = None
    dependent: Person | None = None
    trace: tuple[str, str] | None = None  # TRN02, TRN03
    service_types: list[str] = field(default_factory=list)

    @property
    def member_id(self) -> str:
        return (self.subscriber.member_id or "") if self.subscriber else ""


def read_270(text: str) -> Read270:
    """Read the first 270 of an interchange; X12Error when there is none or it is broken."""
    for transaction in iter_transactions(text):
        if transaction.set_id != "270":
            continue
        header, group = transaction.interchange_header, transaction.group
        try:
            control = int(header.control_number)
            stamp = datetime.strptime(group.date + group.time[:4], "%Y%m%d%H%M").replace(
                tzinfo=UTC)
        except ValueError as exc:
            raise X12Error("the 270's ISA13 or GS date/time is unreadable") from exc
        read = Read270(sender_id=header.sender_id, receiver_id=header.receiver_id,
                       usage=header.usage, control_number=control, timestamp=stamp)
        repetition = transaction.delimiters.repetition or "^"
        for e in transaction.segments:
            _segment(read, e + [""] * 10, repetition)
        return read
    raise X12Error("the interchange holds no 270")


def _segment(read: Read270, e: list[str], repetition: str) -> None:
    tag = e[0]
    if tag == "BHT":
        read.reference = e[3]
    elif tag == "TRN":
        read.trace = (e[2], e[3])
    elif tag == "EQ":
        read.service_types = [c for c in e[1].split(repetition) if c]
    elif tag == "NM1" and e[1] == "PR":
        read.payer_name, read.payer_id = e[3], e[9]
    elif tag == "NM1" and e[1] == "1P":
        read.provider_name = " ".join(x for x in (e[4], e[3]) if x)
        read.provider_npi = e[9]
    elif tag == "NM1" and e[1] in ("IL", "03"):
        person = Person(last=e[3], first=e[4] or None, member_id=e[9] or None)
        if e[1] == "IL":
            read.subscriber = person
        else:
            read.dependent = person
    elif tag == "DMG" and len(e[2]) == 8:
        # 2100D follows 2100C, so a DMG after NM1*03 is the dependent's.
        if read.dependent is not None:
            read.dependent = replace(read.dependent, birth_date=_date(e[2]),
                                     gender=e[3] or None)
        elif read.subscriber is not None:
            read.subscriber = replace(read.subscriber, birth_date=_date(e[2]),
                                      gender=e[3] or None)


def _date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
