"""Over 127.0.0.1 against the sandbox server, with its fault and latency injection."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from orchctl.api import (
    ClientConfig,
    OrchestrationClient,
    OutcomeUnknown,
    RetrySettings,
    Timeout,
    Timeouts,
    TransportError,
    TriggerSpec,
    WorkflowConfig,
)
from orchctl.sandbox import Faults, Latency, Sandbox, SandboxServer, ScriptedFault

pytestmark = pytest.mark.socket

FAST_RETRIES = RetrySettings(attempts=4, deadline=10, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def sandbox(profile: str) -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=3, time_scale=0.001, profile=profile) as sb:
        yield sb


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    srv = sandbox.serve("127.0.0.1", 0)
    yield srv
    srv.shutdown()


def client_for(
    server: SandboxServer,
    *,
    timeouts: Timeouts | None = None,
    retries: RetrySettings = FAST_RETRIES,
    warnings: list[str] | None = None,
) -> OrchestrationClient:
    config = ClientConfig(
        url=server.url, timeouts=timeouts or Timeouts(connect=2, read=5, total=20), retries=retries
    )
    sink = warnings if warnings is not None else []
    return OrchestrationClient(config, layout="gateway", warn=sink.append)


def script(sb: Sandbox, *faults: ScriptedFault, latency: Latency | None = None) -> None:
    sb.set_faults(Faults(script=faults, retry_after=1), latency or Latency())


def test_a_reset_read_is_retried(sandbox: Sandbox, server: SandboxServer) -> None:
    sandbox.bulk_seed(workflows=3)
    script(sandbox, ScriptedFault("reset", "GET", "/workflows"))
    warnings: list[str] = []
    with client_for(server, warnings=warnings) as client:
        assert len(client.list_workflows()) == 3
        assert client.requests_sent == 2
    assert sandbox.app.injector.injected == {"reset": 1}
    assert warnings == []  # plain http to loopback is fine


def test_429_waits_for_retry_after(sandbox: Sandbox, server: SandboxServer) -> None:
    script(sandbox, ScriptedFault("429", "GET", "/workflows"))
    with client_for(server) as client:
        started = time.monotonic()
        assert client.list_workflows() == []
        elapsed = time.monotonic() - started
    assert elapsed >= 1.0  # Retry-After: 1, though the backoff alone would be ~10 ms
    assert sandbox.app.injector.injected == {"429": 1}


@pytest.mark.parametrize("kind", ["502", "503", "500"])
def test_gateway_and_server_errors_on_reads_are_retried(
    sandbox: Sandbox, server: SandboxServer, kind: str
) -> None:
    script(sandbox, ScriptedFault(kind, "GET"), ScriptedFault(kind, "GET"))
    with client_for(server) as client:
        assert client.list_triggers() == []
        assert client.requests_sent == 3


def test_a_lost_create_is_outcome_unknown_and_rereading_finds_it(
    sandbox: Sandbox, server: SandboxServer
) -> None:
    script(sandbox, ScriptedFault("lost", "POST", "/workflows"))
    with client_for(server) as client:
        with pytest.raises(OutcomeUnknown) as info:
            client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="lost-one"))
        assert client.requests_sent == 1  # not retried blindly
        assert info.value.method == "POST"
        assert info.value.path == "/api/orchestration/v2/workflows"
        found = client.workflows_named("lost-one")  # what apply does next
    assert len(found) == 1
    (entry,) = sandbox.timeline()
    assert entry.outcome == "response_lost"
    assert entry.object_id == found[0].id


def test_a_reset_create_is_also_outcome_unknown(sandbox: Sandbox, server: SandboxServer) -> None:
    script(sandbox, ScriptedFault("reset", "POST", "/workflows"))
    with client_for(server) as client:
        with pytest.raises(OutcomeUnknown):
            client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="x"))
        assert client.workflows_named("x") == []  # this time nothing was written


def test_a_lost_delete_is_retried_and_converges(sandbox: Sandbox, server: SandboxServer) -> None:
    with client_for(server) as client:
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        script(sandbox, ScriptedFault("lost", "DELETE"))
        client.delete_workflow(wf.id)
        assert client.list_workflows() == []
    assert sandbox.app.injector.injected == {"lost": 1}


def test_a_lost_trigger_delete_over_a_socket_is_done_on_the_404(
    sandbox: Sandbox, server: SandboxServer
) -> None:
    with client_for(server) as client:
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        trigger = client.create_trigger(TriggerSpec(event="E", workflow_id=wf.id, name="t"))
        script(sandbox, ScriptedFault("lost", "DELETE", "/triggers/"))
        client.delete_trigger(trigger.id)  # RST, retry -> 404 "no rows": done
        assert client.list_triggers() == []
    assert sandbox.app.injector.injected == {"lost": 1}
    (delete,) = [e for e in sandbox.timeline() if e.action == "delete"]
    assert (delete.object_id, delete.outcome) == (trigger.id, "response_lost")


def test_read_timeout(sandbox: Sandbox, server: SandboxServer) -> None:
    script(sandbox, latency=Latency(fixed_ms=400))
    timeouts = Timeouts(connect=1, read=0.1, total=5)
    with client_for(server, timeouts=timeouts, retries=RetrySettings(2, 5, 0.01, 0.01)) as client:
        started = time.monotonic()
        with pytest.raises(Timeout) as info:
            client.list_workflows()
        elapsed = time.monotonic() - started
    assert info.value.attempts == 2
    assert "read timeout (0.1 s" in info.value.message
    assert elapsed < 0.6


def test_total_budget_cuts_retries_short(sandbox: Sandbox, server: SandboxServer) -> None:
    script(sandbox, latency=Latency(fixed_ms=300))
    timeouts = Timeouts(connect=1, read=0.2, total=0.5)
    retries = RetrySettings(attempts=10, deadline=10, base_delay=0.01, max_delay=0.01)
    with client_for(server, timeouts=timeouts, retries=retries) as client:
        started = time.monotonic()
        with pytest.raises(Timeout):
            client.list_workflows()
        elapsed = time.monotonic() - started
    assert elapsed < 0.8  # 0.5 s budget, not 10 attempts x 0.2 s


def test_random_faults_on_reads_still_give_the_exact_list(
    sandbox: Sandbox, server: SandboxServer
) -> None:
    sandbox.bulk_seed(workflows=450, triggers=350)
    expected = {w.id for w in _direct(sandbox).list_workflows()}
    sandbox.set_faults(
        Faults(rate=0.25, kinds=("500", "502", "503", "429", "reset"), retry_after=0, seed=11)
    )
    retries = RetrySettings(attempts=8, deadline=10, base_delay=0.005, max_delay=0.02)
    with client_for(server, retries=retries) as client:
        state = client.list_all()
    assert {w.id for w in state.workflows} == expected
    assert len(state.triggers) == 350
    assert sum(sandbox.app.injector.injected.values()) > 0


def test_connection_refused_is_a_transport_error(sandbox: Sandbox) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the client connects
    config = ClientConfig(url=f"http://127.0.0.1:{port}", retries=FAST_RETRIES)
    with OrchestrationClient(config, layout="bare") as client:
        with pytest.raises(TransportError) as info:
            client.list_workflows()
        assert client.requests_sent == 4
    assert "cannot connect to 127.0.0.1" in info.value.message


def _direct(sb: Sandbox) -> OrchestrationClient:
    from orchctl.sandbox import EMBEDDED_URL

    client = OrchestrationClient(transport=sb.transport(), base_url=EMBEDDED_URL)
    _OPEN.append(client)
    return client


_OPEN: list[OrchestrationClient] = []


@pytest.fixture(autouse=True)
def _close_direct() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()
