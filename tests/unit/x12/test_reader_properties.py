"""Property: mutated, truncated or re-delimited 271s are read or refused with an X12Error.

Locally a few hundred examples run; with the CI environment variable set, the ``x12-ci``
profile runs 10,000 examples of the mutation property (well under two minutes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payers.x12 import X12Error, read_interchange
from payers.x12.summary import summarize
from payers.x12.x271 import read_271

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12" / "271"
SAMPLES = [p.read_bytes().decode("utf-8-sig") for p in sorted(FIXTURES.glob("*.271"))]

settings.register_profile(
    "x12-ci", max_examples=10_000, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "x12-dev", max_examples=300, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile("x12-ci" if os.environ.get("CI") else "x12-dev")
NOISE = st.text(alphabet=st.sampled_from("*^:~|>}\n\r\t \x1d\ufeffISAGSTEB0123456789-.YN"),
                max_size=12)


def _decode_everything(data: str | bytes, strict: bool) -> None:
    """Read the interchange and touch every decoded value, as the CLI and service do."""
    interchange = read_interchange(data, strict=strict)
    for transaction in interchange.transactions:
        if transaction.set_id != "271":
            continue
        response = read_271(transaction)
        response.to_dict()
        for patient in response.patients() or [None]:
            for network in ("in", "out"):
                summarize(response, patient=patient, network=network).to_json_dict()


def _only_typed_errors(data: str | bytes) -> None:
    for strict in (False, True):
        try:
            _decode_everything(data, strict)
        except X12Error as error:
            assert str(error)
            assert error.position is None or error.position >= 1


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "delete", "insert", "replace", "segment"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "truncate":
            text = text[:at]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:at] + draw(NOISE) + text[at:]
        elif kind == "replace":
            text = text[:at] + draw(NOISE) + text[at + 1:]
        else:
            segments = text.split("~")
            index = draw(st.integers(0, len(segments) - 1))
            if draw(st.booleans()):
                segments.insert(index, segments[draw(st.integers(0, len(segments) - 1))])
            else:
                del segments[index]
            text = "~".join(segments)
    return text


@pytest.mark.slow
@PROFILE
@given(mutated())
def test_random_mutations_of_valid_271s_raise_only_typed_errors(text: str):
    _only_typed_errors(text)


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 500))
@given(st.sampled_from(SAMPLES), st.permutations(["*", "^", ":", "~"]),
       st.sampled_from(["*", "^", ":", "~", "|", ">", "!", "\n", "A", " "]))
def test_delimiter_swaps_raise_only_typed_errors(text: str, order: list[str], extra: str):
    swapped = text.translate(str.maketrans(dict(zip("*^:~", order, strict=True))))
    _only_typed_errors(swapped)
    _only_typed_errors(text.replace(order[0], extra))


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 300))
@given(st.sampled_from(SAMPLES), st.integers(0, 4000))
def test_truncation_anywhere_is_refused_or_read_but_never_crashes(text: str, cut: int):
    _only_typed_errors(text[:cut].encode())


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 200))
@given(st.sampled_from(SAMPLES), st.sampled_from(["\n", "\r\n", "\r", "\n   ", "\t\n"]))
def test_layout_whitespace_never_changes_the_summary(text: str, layout: str):
    compact = text.replace("~\n", "~")
    spaced = compact.replace("~", "~" + layout)
    for a, b in zip(read_interchange(compact).transactions,
                    read_interchange(spaced).transactions, strict=True):
        assert summarize(read_271(a)).to_json_dict() == summarize(read_271(b)).to_json_dict()
