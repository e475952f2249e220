"""The scan that runs after every test finds a synthetic person's data in a log line."""

import logging

import pytest

from tests.support import logcapture
from tests.support.people import PEOPLE


@pytest.mark.parametrize("form", [
    PEOPLE[0].first_name, PEOPLE[0].last_name.upper(), PEOPLE[1].member_id,
    PEOPLE[2].birth_date, PEOPLE[2].birth_date.replace("-", ""),
])
def test_each_form_of_a_persons_data_is_found(form):
    assert logcapture.leaks(f"clean line\nsomething {form} here\n") == [f"something {form} here"]
    assert logcapture.leaks("GET /v1/patients 200 [redacted]\n") == []


def test_a_line_logged_through_the_service_handler_is_captured_and_scanned():
    logging.getLogger("coverwatch.test").warning("looked up %s", PEOPLE[3].last_name)
    captured = logcapture.take()  # taken here, so the check after this test sees it gone
    assert "coverwatch.test" in captured
    assert len(logcapture.leaks(captured)) == 1
