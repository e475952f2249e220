"""Per-provider mix of individual psychotherapy codes: who bills 90837 for nearly everything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.domain.cpt import INDIVIDUAL_PSYCHOTHERAPY, normalize

# Below this many individual sessions a high 90837 share says more about chance than about
# a billing pattern, and payers' audit screens also look at volume; such providers are
# listed but never flagged.
MIN_SESSIONS = 10
_CODES = tuple(sorted(INDIVIDUAL_PSYCHOTHERAPY))


def code_mix(rows: Iterable[tuple[str | None, str]], *,
             threshold: float = 0.8) -> list[dict[str, Any]]:
    """Per provider (None: visits without one): counts of 90832/90834/90837, `sessions` (their
    sum), `share_90837` among them rounded to 3 places (0.0 without sessions), and `flagged`
    when the share is above `threshold` over at least MIN_SESSIONS sessions. Other codes are
    ignored. Sorted by share, highest first, then by sessions, then by NPI."""
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be a share between 0 and 1")
    counts: dict[str | None, dict[str, int]] = {}
    for npi, code in rows:
        per_code = counts.setdefault(npi, dict.fromkeys(_CODES, 0))
        code = normalize(code)
        if code in per_code:
            per_code[code] += 1
    ranked: list[tuple[float, int, str | None, dict[str, int]]] = []
    for npi, per_code in counts.items():
        sessions = sum(per_code.values())
        share = round(per_code["90837"] / sessions, 3) if sessions else 0.0
        ranked.append((share, sessions, npi, per_code))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2] is None, r[2] or ""))
    return [{"provider_npi": npi, "counts": per_code, "sessions": sessions,
             "share_90837": share,
             # The share as shown decides, so a reader can check the flag against it.
             "flagged": sessions >= MIN_SESSIONS and share > threshold}
            for share, sessions, npi, per_code in ranked]
