"""After the whole suite: no log line carries a synthetic person's name, birth date or id."""

import re

import pytest

from tests.support import logcapture
from tests.support.people import PEOPLE


def _forms(person):
    year, month, day = person.birth_date.split("-")
    return [person.first_name, person.last_name, person.member_id, person.birth_date,
            f"{year}{month}{day}", f"{month}/{day}/{year}"]


@pytest.mark.log_scan
def test_no_log_line_of_the_suite_carries_patient_data():
    text = logcapture.BUFFER.getvalue()
    # The suite logs every request it makes; an empty capture would make this test vacuous.
    assert text.count("\n") > 100
    assert "coverwatch.access" in text
    leaks = [
        form for person in PEOPLE for form in _forms(person)
        if re.search(re.escape(form), text, flags=re.IGNORECASE)
    ]
    assert leaks == []
