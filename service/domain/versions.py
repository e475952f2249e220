"""Row versions: a write sent with If-Match goes ahead only on the version the client read."""

from __future__ import annotations

from service.domain.errors import PreconditionFailed


def require_version(current: int, accepted: frozenset[int] | None) -> None:
    """`accepted` is what If-Match names (None: no If-Match, or `*`, which any record meets).
    Called under the record's row lock, and the UPDATE checks the version again, so two
    writers sent with the same version cannot both pass."""
    if accepted is not None and current not in accepted:
        raise PreconditionFailed()
