"""Payer search ranks an exact id or alias first, then names starting with the text, then
word and close-spelling matches."""

from __future__ import annotations

from service.domain.payer_search import score

PAYERS = {
    "cigna": (("cigna", "62308"), ("Cigna",)),
    "cigna-behavioral": (("cigna-behavioral", "CBH01"), ("Cigna Behavioral Health",)),
    "bcbs-idaho": (("bcbs-idaho", "BCIDA", "62308X"), ("Blue Cross of Idaho",)),
    "bcbs-il": (("bcbs-il", "00621"), ("Blue Cross Blue Shield of Illinois",)),
    "aetna": (("aetna", "60054"), ("Aetna",)),
    "harbor": (("harbor", "62"), ("Harbor Lights Behavioral",)),
}


def ranked(text: str) -> list[str]:
    found = [(score(text, ids=ids, names=names), pid) for pid, (ids, names) in PAYERS.items()]
    return [pid for s, pid in sorted((s, pid) for s, pid in found if s is not None)]


def test_an_exact_alias_comes_before_a_name_or_id_that_merely_starts_with_it() -> None:
    assert ranked("62308") == ["cigna", "bcbs-idaho"]


def test_an_exact_id_is_matched_whatever_its_case() -> None:
    assert ranked("cbh01")[0] == "cigna-behavioral"


def test_a_name_prefix_comes_first_the_nearest_name_before_longer_ones() -> None:
    assert ranked("cigna") == ["cigna", "cigna-behavioral"]
    assert ranked("Cig") == ["cigna", "cigna-behavioral"]


def test_words_typed_in_any_order_find_names_with_words_starting_so() -> None:
    assert ranked("idaho blue") == ["bcbs-idaho"]
    assert ranked("blue cross") == ["bcbs-idaho", "bcbs-il"]


def test_name_prefixes_rank_above_word_matches() -> None:
    # "behav" starts no name but a word of two: the nearer whole name first
    assert ranked("behav") == ["cigna-behavioral", "harbor"]
    assert ranked("Harbor") == ["harbor"]
    assert ranked("behavioral health") == ["cigna-behavioral"]


def test_a_misspelt_name_is_still_found_after_exact_and_word_matches() -> None:
    assert ranked("aetan") == ["aetna"]
    assert ranked("blu cros ilinois") == ["bcbs-il"]


def test_text_that_is_nothing_like_any_payer_finds_none() -> None:
    assert ranked("zzqx") == []
    assert ranked("   ") == []


def test_an_id_prefix_of_three_or_more_characters_finds_the_payer() -> None:
    assert ranked("006") == ["bcbs-il"]
    # Two characters are too few to match the start of an id ("62308"), only a whole one
    assert ranked("62") == ["harbor"]
