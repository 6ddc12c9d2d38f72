"""One pool per client, at most ``parallelism`` calls in flight, lists fetched together."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from orchctl.api import ApiError, ClientConfig, NotFound, OrchestrationClient
from orchctl.sandbox import EMBEDDED_URL, Sandbox


class Gauge(httpx.BaseTransport):
    """Delays every call and records the most calls in flight at once."""

    def __init__(self, inner: httpx.BaseTransport, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.threads: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(self.delay)
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=5) as sb:
        yield sb


@pytest.mark.parametrize("parallelism", [1, 3, 8])
def test_calls_in_flight_never_exceed_parallelism(sandbox: Sandbox, parallelism: int) -> None:
    wf_ids, _ = sandbox.bulk_seed(workflows=24)
    gauge = Gauge(sandbox.transport(), 0.01)
    config = ClientConfig(parallelism=parallelism)
    with OrchestrationClient(
        config, transport=gauge, base_url=EMBEDDED_URL, layout="gateway"
    ) as client:
        got = client.map(client.get_workflow, wf_ids)
    assert [w.id for w in got] == wf_ids  # results in order
    assert gauge.peak == parallelism


def test_list_all_fetches_both_lists_at_once(sandbox: Sandbox) -> None:
    sandbox.bulk_seed(workflows=500, triggers=500)  # 5 pages each
    gauge = Gauge(sandbox.transport(), 0.05)
    with OrchestrationClient(transport=gauge, base_url=EMBEDDED_URL, layout="gateway") as client:
        started = time.monotonic()
        state = client.list_all()
        elapsed = time.monotonic() - started
    assert len(state.workflows) == 500
    assert len(state.triggers) == 500
    assert gauge.peak == 2
    assert elapsed < 0.4  # sequential: 10 round trips of at least 50 ms each
    assert [(w.name, w.id) for w in state.workflows] == sorted(
        (w.name, w.id) for w in state.workflows
    )


def test_map_waits_for_everything_then_raises_the_first_error(sandbox: Sandbox) -> None:
    wf_ids, _ = sandbox.bulk_seed(workflows=3)
    missing = "00000000-0000-4000-8000-000000000000"
    ids = [wf_ids[0], missing, wf_ids[1], wf_ids[2]]
    with OrchestrationClient(transport=sandbox.transport(), base_url=EMBEDDED_URL) as client:
        with pytest.raises(NotFound):
            client.map(client.get_workflow, ids)
        mixed = client.map(client.get_workflow, ids, return_exceptions=True)
    assert isinstance(mixed[1], NotFound)
    assert [getattr(m, "id", None) for m in mixed] == [wf_ids[0], None, wf_ids[1], wf_ids[2]]
    assert not any(isinstance(m, ApiError) for i, m in enumerate(mixed) if i != 1)


def test_map_inside_map_does_not_deadlock(sandbox: Sandbox) -> None:
    wf_ids, _ = sandbox.bulk_seed(workflows=6)
    config = ClientConfig(parallelism=2)
    with OrchestrationClient(config, transport=sandbox.transport(), base_url=EMBEDDED_URL) as c:
        nested = c.map(lambda chunk: c.map(c.get_workflow, chunk), [wf_ids[:3], wf_ids[3:]])
    assert [w.id for chunk in nested for w in chunk] == wf_ids


def test_one_connection_pool_per_client() -> None:
    """Over a socket: many calls, few connections (keep-alive in one pool)."""
    with Sandbox(":memory:") as sb:
        server = sb.serve("127.0.0.1", 0)
        sb.bulk_seed(workflows=20)
        config = ClientConfig(url=server.url, parallelism=4)
        with OrchestrationClient(config, layout="gateway") as client:
            ids = [w.id for w in client.list_workflows()]
            client.map(client.get_workflow, ids * 3)
            pool = client._session._http._transport._pool  # type: ignore[attr-defined]
            assert 1 <= len(pool.connections) <= 4 + 2
        server.shutdown()
