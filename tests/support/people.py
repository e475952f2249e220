"""Synthetic people — invented names, dates and member ids that no real person carries.

Every test that sends patient data takes it from here, so the log scan at the end of the
suite knows exactly what must never appear in a log line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    birth_date: str
    gender: str
    member_id: str

    def patient_json(self, **extra: object) -> dict[str, object]:
        body: dict[str, object] = {
            "first_name": self.first_name, "last_name": self.last_name,
            "birth_date": self.birth_date, "gender": self.gender,
        }
        body.update(extra)
        return body

    def subscriber_json(self) -> dict[str, object]:
        return {**self.patient_json(), "member_id": self.member_id}


PEOPLE = (
    Person("Quillon", "Zephyrwood", "1984-03-17", "F", "ZQW8841207"),
    Person("Marvella", "Thistlecombe", "1991-11-05", "F", "ZMT5530019"),
    Person("Orrin", "Blackquay", "1978-06-23", "M", "ZOB7712904"),
    Person("Juniper", "Falcongrove", "2012-01-30", "U", "ZJF2200417"),
    Person("Tobiah", "Marrowglen", "1969-09-09", "M", "ZTM1198823"),
    Person("Sabeline", "Orchardvane", "2001-04-12", "F", "ZSO4467730"),
)
