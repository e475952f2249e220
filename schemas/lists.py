"""Query arguments of cursor-paged lists, and the page they answer."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma

from schemas.common import Strict
from service.domain.paging import Slice, decode, scope_of

CURSOR_ARGS = frozenset({"cursor", "limit", "updated_since"})
PAGE_ARGS = frozenset({"page", "page_size"})
UPDATED = "updated"


class CursorQuery(Strict):
    """`cursor` and `limit`; loads as `slice` beside the filters. A subclass names its
    order (ORDER) and the kinds of its keys (KINDS, by order: service/domain/paging.py)."""

    ORDER: ClassVar[str]
    KINDS: ClassVar[dict[str, str]]

    cursor = ma.fields.String(validate=ma.validate.Length(min=1, max=1000), metadata={
        "description": "next_cursor of the previous page, with the same filters"})
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200),
                              metadata={"description": "Rows per page (1 to 200)"})
    @ma.post_load
    def to_slice(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        order = UPDATED if "updated_since" in data else self.ORDER
        filters = {k: v for k, v in data.items() if k not in CURSOR_ARGS | PAGE_ARGS}
        filters["updated_since"] = data.get("updated_since")
        scope = scope_of(filters)
        after = None
        if "cursor" in data:
            try:
                after = decode(data.pop("cursor"), order=order, scope=scope,
                               kinds=self.KINDS[order])
            except ValueError as error:
                raise ma.ValidationError(str(error), "cursor") from error
        data["slice"] = Slice(order=order, scope=scope, after=after, limit=data.pop("limit"))
        return data


class SyncQuery(CursorQuery):
    """With `updated_since` too: the list's rows changed at or after it, in the order
    "updated" (oldest change first, then id), so a scheduler can keep a copy in sync."""

    updated_since = ma.fields.AwareDateTime(metadata={
        "description": "Only rows changed at or after this instant (ISO 8601 with an "
                       "offset), oldest change first"})


class WholeOrCursorQuery(SyncQuery):
    """A list that comes whole unless a cursor argument (`cursor`, `limit`,
    `updated_since`) asks for a page by cursor; `slice` is None when it comes whole."""

    limit = ma.fields.Integer(validate=ma.validate.Range(min=1, max=200),
                              metadata={"description": "Rows per page (cursor mode, default 50)"})

    @ma.post_load
    def to_slice(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if CURSOR_ARGS & set(data):
            data.setdefault("limit", 50)
            return super().to_slice(data, **kwargs)
        data["slice"] = None
        return data


class PagedCursorQuery(WholeOrCursorQuery):
    """A list that also keeps its page numbers: `page`/`page_size` (the default, with
    `total`) or `cursor`/`limit`/`updated_since`, never both (422); `slice` is None in
    page mode."""

    page = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100_000), metadata={
        "description": "Page number (page mode, default 1)"})
    page_size = ma.fields.Integer(validate=ma.validate.Range(min=1, max=200), metadata={
        "description": "Rows per page (page mode, default 50)"})

    @ma.pre_load
    def one_mode(self, data: Any, **_kwargs: Any) -> Any:
        if hasattr(data, "keys") and PAGE_ARGS & set(data) and CURSOR_ARGS & set(data):
            raise ma.ValidationError("Use page and page_size, or cursor, limit and "
                                     "updated_since: not both.", "cursor")
        return data

    @ma.post_load
    def to_slice(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().to_slice(data, **kwargs)
        if data["slice"] is None:
            data.setdefault("page", 1)
            data.setdefault("page_size", 50)
        return data
