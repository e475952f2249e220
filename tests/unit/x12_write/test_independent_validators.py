"""Every built 270 passes two independent checks: pyx12 4.0.0 with the 005010X279A1 maps
(a 999 with IK5*A), and tigershark 0.3.4's 270 parser (a segment-for-segment round trip)."""

from __future__ import annotations

import importlib
import io
import logging
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import pyx12.map_if
import pyx12.params
import pyx12.x12n_document

from payers.x12.ack import FunctionalAcknowledgment, SegmentNote, read_999_text
from payers.x12.x270 import build_270
from tests.unit.x12_write.samples import (
    GOLDEN_270,
    PYX12_MAPS,
    child,
    envelope,
    inquiry,
    request,
    therapist,
)

Validate = Callable[[str], FunctionalAcknowledgment]

EXTRA_270 = {
    "dependent with own member id sent as subscriber": lambda: build_270(
        envelope=envelope(), requests=[request(inquiry(dependent=child("ZZT000777")))]),
    "person receiver, dependent, range, several codes": lambda: build_270(
        envelope=envelope(acknowledgment_requested=True), requests=[request(
            inquiry(7, dependent=child(), service_types=("MH", "A6"),
                    service_end_date=date(2026, 4, 30)),
            receiver=therapist())]),
}
ALL_270 = {**GOLDEN_270, **EXTRA_270}


def _is_known_false_alarm(note: SegmentNote) -> bool:
    """pyx12 does not split EQ01 on the repetition separator (see the maps' README), so a
    repeated service type code is reported as too long (5) and as an invalid code (7)."""
    return note.segment_id == "EQ" and bool(note.elements) and all(
        e.position == 1 and e.reference_number == "1365" and e.error.code in ("5", "7")
        for e in note.elements)


@pytest.fixture(scope="module")
def pyx12_validate() -> Iterator[Validate]:
    if not (PYX12_MAPS / "270.5010.X279.A1.xml").is_file():
        pytest.skip(f"pyx12 map folder with 005010X279A1 maps not found at {PYX12_MAPS}")
    load = pyx12.map_if.load_map_file
    cache: dict[tuple[str, str | None], Any] = {}

    def cached_load(map_file: str, param: Any, map_path: str | None = None) -> Any:
        # pyx12 re-parses a ~250 KB map on every call; the maps are read-only once loaded.
        key = (map_file, map_path)
        if key not in cache:
            cache[key] = load(map_file, param, map_path)
        return cache[key]

    def validate(text: str) -> FunctionalAcknowledgment:
        out = io.StringIO()
        pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=out,
            fd_html=None, map_path=str(PYX12_MAPS))
        acks = read_999_text(out.getvalue())
        assert len(acks) == 1
        return acks[0]

    logger = logging.getLogger("pyx12")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pyx12.map_if, "load_map_file", cached_load)
        # pyx12 logs element values of the input; keep them out of the suite's logs.
        patch.setattr(logger, "disabled", True)
        yield validate


@pytest.mark.parametrize("name", sorted(ALL_270))
def test_pyx12_accepts_every_built_270_apart_from_its_known_eq01_false_alarm(
    name: str, pyx12_validate: Validate
) -> None:
    ack = pyx12_validate(ALL_270[name]())
    assert ack.sets and len(ack.sets) == ack.received
    for acknowledged in ack.sets:
        real_problems = [n for n in acknowledged.segments if not _is_known_false_alarm(n)]
        assert real_problems == []
        assert acknowledged.errors == () or acknowledged.segments != ()
    if all(not s.segments for s in ack.sets):
        assert ack.status.code == "A" and {s.status.code for s in ack.sets} == {"A"}


def test_pyx12_check_can_fail_on_a_270_with_a_wrong_segment_count(
    pyx12_validate: Validate
) -> None:
    text = GOLDEN_270["270_subscriber.x12"]().replace("SE*13*0001", "SE*12*0001")
    ack = pyx12_validate(text)
    assert ack.status.code == "R" and ack.sets[0].status.code == "R"


def test_a_single_service_type_270_gets_a_clean_ik5_a_from_pyx12(
    pyx12_validate: Validate
) -> None:
    ack = pyx12_validate(GOLDEN_270["270_dependent.x12"]())
    assert [s.status.code for s in ack.sets] == ["A"] and ack.sets[0].segments == ()


@pytest.fixture(scope="module")
def tigershark() -> tuple[Any, type[Exception]]:
    """tigershark's 270 parser and its ParseError, imported under a narrow filter: its
    X12/parse.py has an invalid escape sequence, and compiling it without a cached .pyc
    warns, which filterwarnings=error would turn into a SyntaxError."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="invalid escape sequence",
                                category=DeprecationWarning)
        parsers = importlib.import_module("tigershark.parsers.M270_5010_X279_A1")
        parse = importlib.import_module("tigershark.X12.parse")
    return parsers.parsed_270, parse.ParseError


def _segments(text: str) -> list[str]:
    return [s for s in text.replace("\n", "").split("~") if s]


@pytest.mark.parametrize("name", sorted(ALL_270))
def test_tigershark_parses_and_unparses_every_built_270_segment_for_segment(
    name: str, tigershark: tuple[Any, type[Exception]]
) -> None:
    parser, _ = tigershark
    text = ALL_270[name]().replace("\n", "")
    message = parser.unmarshall(text)
    assert _segments(message.marshall()) == _segments(text)


def test_tigershark_check_can_fail_on_a_trace_number_outside_the_patient_level(
    tigershark: tuple[Any, type[Exception]]
) -> None:
    parser, parse_error = tigershark
    text = GOLDEN_270["270_subscriber.x12"]().replace("\n", "")
    trn = "TRN*1*CW00000001*9COVERWTCH~"
    misplaced = text.replace(trn, "").replace("EQ*30~", "EQ*30~" + trn)
    with pytest.raises(parse_error, match="TRN"):
        parser.unmarshall(misplaced)
