"""Built 270s and 278s equal the checked-in golden files byte for byte.

The goldens are written one segment per line (``line_breaks=True``) so that a change shows
up as a readable diff; regenerate one by writing ``GOLDEN_270[name]()`` to its file and
reviewing the diff segment by segment.
"""

from __future__ import annotations

import pytest

from payers.x12.build import Envelope
from payers.x12.x270 import build_270
from tests.unit.x12_write.samples import GOLDEN, GOLDEN_270, GOLDEN_278, envelope, request

CASES = {**GOLDEN_270, **GOLDEN_278}


@pytest.mark.parametrize("name", sorted(CASES))
def test_built_file_equals_the_golden_file_byte_for_byte(name: str) -> None:
    expected = (GOLDEN / name).read_bytes()
    assert CASES[name]().encode("ascii") == expected


def test_every_golden_file_has_a_builder_so_none_goes_stale() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.x12")) == sorted(CASES)


def test_default_output_is_one_line_with_tilde_terminators_only() -> None:
    text = build_270(envelope=envelope(), requests=[request()])
    assert "\n" not in text and text.endswith("IEA*1*000000101~")
    assert text == (GOLDEN / "270_subscriber.x12").read_text().replace("~\n", "~")


def test_custom_delimiters_are_used_everywhere_including_the_isa() -> None:
    from payers.x12.delimiters import Delimiters

    custom: Envelope = envelope(delimiters=Delimiters("|", "}", ">", "\x1d"))
    text = build_270(envelope=custom, requests=[request()])
    assert text.startswith("ISA|00|")
    assert text[82] == "}" and text[104] == ">" and text[105] == "\x1d"
    assert "*" not in text and "~" not in text
