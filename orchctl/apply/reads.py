"""Reads of the whole stack that must not miss a row.

A v2 list is offset-paginated with no ORDER BY: while another client deletes, a row can
slide from the next page onto the one already read and be missed. The v1 workflows list of
today's service answers every row in one response (one SQL statement), so it cannot miss a
row that was committed before it. A service with ``fix/v1-list-pagination`` answers one
page instead (``pageSize``, at most 100) with no cursor: asked for 100, an answer of exactly
100 may be cut short, and then the v2 cursor list is read until two consecutive listings
agree (a row would have to be missed by both, with no other difference between them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from orchctl.api import OrchestrationClient, Trigger, Workflow

PAGE = 100  # the largest page any version of the service answers
STABLE_READS = 4  # listings at most, in the fallback

T = TypeVar("T", Workflow, Trigger)


def all_workflows(client: OrchestrationClient) -> list[Workflow]:
    """Every live (not deleted) workflow, sorted by (name, id)."""
    rows = client.list_workflows_v1(page_size=PAGE)
    if len(rows) != PAGE:  # every row (today's service), or a last, partial page (patched)
        return _sorted(rows)
    return stable_read(client.list_workflows)


def all_triggers(client: OrchestrationClient) -> list[Trigger]:
    """Every live trigger (v2 cursor list; the v1 list is capped at 15), read stably."""
    return stable_read(client.list_triggers)


def stable_read(read: Callable[[], Sequence[T]], tries: int = STABLE_READS) -> list[T]:
    """List until two consecutive listings hold the same ids; the union of the listings
    (a row seen by any of them is kept: missing one is the risk, seeing a row that was
    deleted meanwhile only makes the caller more careful)."""
    seen: dict[str, T] = {}
    previous: set[str] | None = None
    for _ in range(max(2, tries)):
        rows = list(read())
        ids = {r.id for r in rows}
        for r in rows:
            seen.setdefault(r.id, r)
        if ids == previous:
            break
        previous = ids
    return _sorted(list(seen.values()))


def _sorted(rows: Sequence[T]) -> list[T]:
    unique = {r.id: r for r in rows}
    return sorted(unique.values(), key=lambda r: (r.name, r.id))
