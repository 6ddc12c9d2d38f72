"""Following v2 cursors to the end, and making the result trustworthy.

The server pages by offset with no ORDER BY: rows can move between pages, so a full
listing may show an object twice. Lists are therefore fetched whole, de-duplicated by id
and sorted client-side. The largest page the server honours is 100 (larger is clamped).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from orchctl.api.errors import UnexpectedResponse

log = logging.getLogger("orchctl.api")

MAX_PAGE_SIZE = 100
MAX_PAGES = 100_000  # a server that never stops paging is a bug, not a big stack

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    data: tuple[Any, ...]
    has_more: bool
    next: str | None

    @classmethod
    def from_json(cls, body: Any) -> Page:
        cursor = body.get("cursor") if isinstance(body, Mapping) else None
        if not isinstance(cursor, Mapping):
            raise UnexpectedResponse("list response has no 'cursor' object")
        data = cursor.get("data") or []
        if not isinstance(data, list):
            raise UnexpectedResponse("list response 'cursor.data' is not a list")
        nxt = cursor.get("next")
        return cls(
            data=tuple(data),
            has_more=bool(cursor.get("hasMore", False)),
            next=nxt if isinstance(nxt, str) and nxt else None,
        )


def follow_cursor(
    fetch: Callable[[Mapping[str, str]], Any],
    first_params: Mapping[str, str] | None = None,
    *,
    page_size: int = MAX_PAGE_SIZE,
    what: str | None = None,
) -> Iterator[Any]:
    """Yield every raw item of a v2 list. ``fetch(params)`` returns one decoded page body.

    The first request carries ``pageSize`` (and any filters); the next ones carry only
    ``cursor``, as the server ignores everything else once a cursor is given. Past the
    first page, the next pages are fetched in a thread while the caller works on the items
    already given (`_read_ahead`): each round trip waits for the one before it, never for
    the caller."""
    pages = _pages(fetch, first_params, page_size, what)
    first = next(pages)
    if not first.has_more:
        yield from first.data
        yield from (item for page in pages for item in page.data)  # (it ends, logging)
        return
    ahead = _ReadAhead(pages)
    try:
        yield from first.data
        for page in ahead:
            yield from page.data
    finally:
        ahead.stop()


def _pages(
    fetch: Callable[[Mapping[str, str]], Any],
    first_params: Mapping[str, str] | None,
    page_size: int,
    what: str | None,
) -> Iterator[Page]:
    params: dict[str, str] = {**(first_params or {}), "pageSize": str(page_size)}
    seen: set[str] = set()
    began, items = time.perf_counter(), 0
    for pages in range(1, MAX_PAGES + 1):
        page = Page.from_json(fetch(params))
        items += len(page.data)
        yield page
        if not page.has_more or page.next is None:
            if what:  # -v: the pages fetched, and how long they took
                log.info(
                    "listed %s: %d item%s in %d page%s, %.0f ms",
                    what,
                    items,
                    "" if items == 1 else "s",
                    pages,
                    "" if pages == 1 else "s",
                    (time.perf_counter() - began) * 1000,
                )
            return
        if page.next in seen:
            raise UnexpectedResponse("the server returned the same cursor twice")
        seen.add(page.next)
        params = {"cursor": page.next}
    raise UnexpectedResponse(f"gave up listing after {MAX_PAGES} pages")


_AHEAD = 8  # pages fetched and not yet taken, at most


class _ReadAhead:
    """The pages of `pages`, advanced in a thread of its own from now on; what it raises
    is raised where it is read, in order. `stop` ends it before its next request."""

    def __init__(self, pages: Iterator[Page]) -> None:
        self._pages = pages
        self._ready: queue.Queue[tuple[Page | None, BaseException | None]] = queue.Queue(_AHEAD)
        self._stop = threading.Event()
        threading.Thread(target=self._run, name="orchctl-pages", daemon=True).start()

    def _run(self) -> None:
        try:
            for page in self._pages:
                self._ready.put((page, None))
                if self._stop.is_set():  # (stop() freed a place for that last put)
                    return
            self._ready.put((None, None))
        except BaseException as exc:  # raised by __iter__, to the reader
            self._ready.put((None, exc))

    def __iter__(self) -> Iterator[Page]:
        while True:
            page, error = self._ready.get()
            if error is not None:
                raise error
            if page is None:
                return
            yield page

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            self._ready.get_nowait()  # a thread blocked on a full queue sees `stop`


def dedupe_sorted(
    items: Iterable[T], *, key: Callable[[T], Hashable], order: Callable[[T], Any]
) -> list[T]:
    """Keep the first item of each ``key``, then sort by ``order``."""
    unique: dict[Hashable, T] = {}
    for item in items:
        unique.setdefault(key(item), item)
    return sorted(unique.values(), key=order)
