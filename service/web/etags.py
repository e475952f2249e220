"""Strong ETags from row versions, and the If-Match a PATCH or DELETE is held to."""

from __future__ import annotations

from typing import Any

from flask import request


def etag(record: Any) -> dict[str, str]:
    """The ETag header of a versioned record (patients, coverages, authorizations, visits)."""
    return {"ETag": f'"{record.version}"'}


def if_match() -> frozenset[int] | None:
    """The versions If-Match accepts; None without the header or with `*`. A weak or foreign
    tag accepts none (If-Match compares strongly), so the write answers 412."""
    tags = request.if_match
    if not request.headers.get("If-Match") or tags.star_tag:
        return None
    # A header werkzeug cannot read whole yields None among its tags.
    return frozenset(int(tag) for tag in tags.as_set() if tag and tag.isdigit())
