"""Pagination like go-libs' ``bunpaginate``: offset-based, opaque base64 cursors.

``pageSize`` is ``strconv.ParseUint(v, 10, 32)``: digits only (no sign), at most
4294967295, else 400 "invalid 'pageSize' query param"; 0 or absent is the default (15);
above 100 it is clamped to 100.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from orchctl.sandbox.errors import validation
from orchctl.sandbox.messages import Request

DEFAULT_PAGE_SIZE = 15
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    offset: int
    size: int
    filters: dict[str, str] = field(default_factory=dict)


def encode_cursor(offset: int, size: int, filters: dict[str, str]) -> str:
    raw = json.dumps({"offset": offset, "pageSize": size, "filters": filters}, sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode()


def parse_page(request: Request, filter_names: tuple[str, ...] = ()) -> Page:
    """Read ``cursor`` (which overrides everything else) or ``pageSize`` and the filters."""
    cursor = request.param("cursor")
    if cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
            offset, size, filters = int(data["offset"]), int(data["pageSize"]), data["filters"]
            if not isinstance(filters, dict) or offset < 0 or size <= 0:
                raise ValueError("bad cursor")
        except (ValueError, KeyError, TypeError, AssertionError, binascii.Error):
            raise validation("invalid 'cursor' query param") from None
        return Page(offset, size, {str(k): str(v) for k, v in filters.items()})
    size = page_size(request)
    filters = {name: value for name in filter_names if (value := request.param(name))}
    return Page(0, size, filters)


UINT32_MAX = 2**32 - 1


def page_size(request: Request) -> int:
    """``bunpaginate.GetPageSize``: the page size asked for, defaulted and clamped."""
    raw = request.param("pageSize")
    if not raw:
        return DEFAULT_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or int(raw) > UINT32_MAX:
        raise validation("invalid 'pageSize' query param")
    size = int(raw)
    return DEFAULT_PAGE_SIZE if size == 0 else min(size, MAX_PAGE_SIZE)


def cursor_body(page: Page, rows: list[Any]) -> dict[str, Any]:
    """``rows`` holds up to ``page.size + 1`` JSON items; the extra one means hasMore."""
    has_more = len(rows) > page.size
    cursor: dict[str, Any] = {"pageSize": page.size, "hasMore": has_more}
    if page.offset > 0:
        cursor["previous"] = encode_cursor(max(0, page.offset - page.size), page.size, page.filters)
    if has_more:
        cursor["next"] = encode_cursor(page.offset + page.size, page.size, page.filters)
    cursor["data"] = rows[: page.size]
    return {"cursor": cursor}
