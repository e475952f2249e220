"""Finding a payer by what the front desk types: an id, an alias or (part of) a name.

A match scores in bands, lower first: 0 an exact id or alias; 1 a name that starts with
the text; 2 every word typed starts a word of a name (or the text starts an id); 3 a close
spelling (difflib's ratio of each word typed to its nearest word of a name, on average at
least FUZZY). Within a band the name nearer the whole text comes first, so the order is
stable for one text and the same payers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

FUZZY = 0.75
WORD_RE = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Case and spacing folded: ``"  Blue  CROSS "`` and ``"blue cross"`` are one text."""
    return " ".join(text.casefold().split())


def score(text: str, *, ids: Iterable[str], names: Iterable[str]) -> float | None:
    """How well `text` finds a payer known by `ids` and `names` (lower is better); None
    when it does not."""
    needle = fold(text)
    if not needle:
        return None
    folded_ids = [fold(i) for i in ids]
    if needle in folded_ids:
        return 0.0
    folded_names = [fold(n) for n in names]
    best = max((_near(needle, name) for name in folded_names), default=0.0)
    if any(name.startswith(needle) for name in folded_names):
        return 1.0 + (1.0 - best)
    typed = WORD_RE.findall(needle)
    worded = [WORD_RE.findall(name) for name in folded_names]
    if typed and any(all(any(w.startswith(t) for w in words) for t in typed)
                     for words in worded):
        return 2.0 + (1.0 - best)
    if len(needle) >= 3 and any(i.startswith(needle) for i in folded_ids):
        return 2.0 + (1.0 - best)
    spelling = max((_spelling(typed, words) for words in worded), default=0.0)
    if spelling >= FUZZY:
        return 3.0 + (1.0 - spelling)
    return None


def _near(needle: str, name: str) -> float:
    return SequenceMatcher(None, needle, name, autojunk=False).ratio()


def _spelling(typed: list[str], words: list[str]) -> float:
    """The mean, over the words typed, of the ratio to the nearest word of the name."""
    if not typed or not words:
        return 0.0
    return sum(max(_near(t, w) for w in words) for t in typed) / len(typed)
