from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchctl.api import ClientConfig, OrchestrationClient, UnexpectedResponse
from orchctl.api.pagination import dedupe_sorted, follow_cursor


def workflow(i: int, name: str) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "config": {"name": name, "stages": [{"noop": {}}]},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
    }


class CursorServer:
    """Offset pages with NO stable order (like the real server), clamped at 100."""

    def __init__(self, items: list[dict[str, Any]], *, shuffle_seed: int | None = None) -> None:
        self.items = items
        self.rng = random.Random(shuffle_seed) if shuffle_seed is not None else None
        self.requests: list[httpx.Request] = []
        self.served = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        q = request.url.params
        if "cursor" in q:
            c = json.loads(q["cursor"])
            offset, size = c["o"], c["s"]
        else:
            offset, size = 0, min(int(q.get("pageSize", "15")), 100)
        rows = list(self.items)
        if self.rng is not None:  # order shifts between pages
            self.rng.shuffle(rows)
        page = rows[offset : offset + size]
        self.served += len(page)
        more = offset + size < len(rows)
        cursor: dict[str, Any] = {"pageSize": size, "hasMore": more, "data": page}
        if more:
            cursor["next"] = json.dumps({"o": offset + size, "s": size})
        return httpx.Response(200, json={"cursor": cursor})


def client_on(server: CursorServer, version: str = "v2") -> OrchestrationClient:
    return OrchestrationClient(
        ClientConfig(url="https://stack.example", api_version=version),  # type: ignore[arg-type]
        transport=httpx.MockTransport(server),
        layout="gateway",
    )


def test_cursor_is_followed_to_the_end_with_page_size_100() -> None:
    server = CursorServer([workflow(i, f"wf-{i:04d}") for i in range(250)])
    with client_on(server) as client:
        result = client.list_workflows()
    assert [w.name for w in result] == [f"wf-{i:04d}" for i in range(250)]
    assert len(server.requests) == 3
    first, *rest = server.requests
    assert first.url.path == "/api/orchestration/v2/workflows"
    assert dict(first.url.params) == {"pageSize": "100"}
    for r in rest:  # with a cursor, nothing else is sent (the server ignores it anyway)
        assert list(r.url.params) == ["cursor"]


def test_shifting_order_yields_duplicates_that_are_removed_and_sorted() -> None:
    items = [workflow(i, random.Random(i).choice(["b", "a", "c"])) for i in range(300)]
    server = CursorServer(items, shuffle_seed=7)
    with client_on(server) as client:
        result = client.list_workflows()
    ids = [w.id for w in result]
    assert len(ids) == len(set(ids))
    assert [(w.name, w.id) for w in result] == sorted((w.name, w.id) for w in result)
    # raw pages did hold duplicates, or this test proves nothing
    assert server.served > len(set(ids))


def test_triggers_are_always_listed_through_v2_cursors_without_the_name_filter() -> None:
    trig = {"id": "t1", "event": "E", "workflowID": "w", "name": "n", "createdAt": None}
    server = CursorServer([trig])
    with client_on(server, "v1") as client:
        assert [t.id for t in client.list_triggers()] == ["t1"]
        assert [t.id for t in client.triggers_named("n")] == ["t1"]
        assert client.triggers_named("other") == []
    assert {r.url.path for r in server.requests} == {"/api/orchestration/v2/triggers"}
    assert all("name" not in r.url.params for r in server.requests)


def test_a_cursor_that_repeats_is_an_error_not_an_endless_loop() -> None:
    def fetch(params: Any) -> Any:
        return {"cursor": {"hasMore": True, "next": "same", "data": [1]}}

    with pytest.raises(UnexpectedResponse):
        list(follow_cursor(fetch))


def test_missing_cursor_object_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponse):
        list(follow_cursor(lambda p: {"data": []}))


def test_dedupe_keeps_the_first_and_sorts() -> None:
    got = dedupe_sorted([("b", 1), ("a", 2), ("b", 3)], key=lambda t: t[0], order=lambda t: t[0])
    assert got == [("a", 2), ("b", 1)]


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(st.sampled_from(["a", "b", "", "z-1"]), max_size=260),
    seed=st.integers(0, 2**16),
)
def test_listing_returns_each_live_object_once_in_order(names: list[str], seed: int) -> None:
    """With a stable server order, every object comes back exactly once, sorted."""
    items = [workflow(i, n) for i, n in enumerate(names)]
    server = CursorServer(items)
    with client_on(server) as client:
        got = client.list_workflows()
    assert sorted(w["id"] for w in items) == sorted(w.id for w in got)
    assert [(w.name, w.id) for w in got] == sorted((w.name, w.id) for w in got)
    assert len(server.requests) == max(1, -(-len(items) // 100))


class GatedServer(CursorServer):
    """Answers page `broken` with a body that has no cursor."""

    def __init__(self, items: list[dict[str, Any]], broken: int | None = None) -> None:
        super().__init__(items)
        self.broken = broken

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.broken is not None and len(self.requests) + 1 == self.broken:
            self.requests.append(request)
            return httpx.Response(200, json={"data": []})
        return super().__call__(request)


def _pages_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "orchctl-pages"]


def test_next_pages_are_fetched_while_the_caller_works_on_the_first() -> None:
    server = GatedServer([workflow(i, f"wf-{i:04d}") for i in range(450)])
    asked: list[int] = []

    def each(_workflow: Any) -> None:
        if not asked:  # the first workflow: hold on until the pages behind it are asked
            deadline = time.monotonic() + 10
            while len(server.requests) < 5 and time.monotonic() < deadline:
                time.sleep(0.001)
            asked.append(len(server.requests))

    with client_on(server) as client:
        result = client.list_workflows(each)
    assert asked == [5]  # reading page 1's items waited for nothing: pages 2-5 were fetched
    assert [w.name for w in result] == [f"wf-{i:04d}" for i in range(450)]


def test_a_failure_behind_the_first_page_is_raised_where_it_was_read() -> None:
    server = GatedServer([workflow(i, f"wf-{i:04d}") for i in range(450)], broken=3)
    seen: list[str] = []
    with client_on(server) as client, pytest.raises(UnexpectedResponse, match="cursor"):
        client.list_workflows(lambda w: seen.append(w.name))
    assert len(seen) == 200  # the two pages before it, then the error
    assert len(server.requests) == 3  # and no request after it


def test_a_caller_that_stops_early_stops_the_reading() -> None:
    server = GatedServer([workflow(i, f"wf-{i:04d}") for i in range(5_000)])
    with client_on(server) as client:
        items = follow_cursor(client._getter("/api/orchestration/v2/workflows"))
        taken = [next(items) for _ in range(150)]  # into the second page
        items.close()
        for thread in _pages_threads():
            thread.join(timeout=10)
        assert not _pages_threads()
    assert len(taken) == 150
    assert len(server.requests) <= 2 + 8 + 1  # at most a full read-ahead queue, of 50 pages
