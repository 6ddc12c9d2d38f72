"""A delete answered 404 is done: after a committed-but-lost delete (the retry sees 404 on a
trigger, and on a workflow once patched), and on a second delete. Proved from the timeline:
one committed delete per object, never an error for the caller."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orchctl.api import (
    ClientConfig,
    NotFound,
    OrchestrationClient,
    RetrySettings,
    TriggerSpec,
    WorkflowConfig,
)
from orchctl.sandbox import EMBEDDED_URL, Faults, Sandbox, ScriptedFault

FAST = RetrySettings(attempts=4, deadline=10, base_delay=0.01, max_delay=0.02)


class Counting(httpx.BaseTransport):
    """The sandbox transport, remembering each answer's status (0: connection dropped)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.answers: list[tuple[str, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
        except httpx.ReadError:
            self.answers.append((request.method, request.url.path, 0))
            raise
        self.answers.append((request.method, request.url.path, response.status_code))
        return response


@pytest.fixture
def sandbox(profile: str) -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=2, time_scale=0.001, profile=profile) as sb:
        yield sb


def _client(transport: httpx.BaseTransport) -> OrchestrationClient:
    config = ClientConfig(retries=FAST)
    return OrchestrationClient(config, transport=transport, base_url=EMBEDDED_URL, layout="bare")


def test_a_lost_trigger_delete_is_done_on_the_retrys_404(sandbox: Sandbox) -> None:
    transport = Counting(sandbox.transport())
    with _client(transport) as client:
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        trigger = client.create_trigger(TriggerSpec(event="E", workflow_id=wf.id, name="t"))
        sandbox.set_faults(Faults(script=(ScriptedFault("lost", "DELETE", "/triggers/"),)))
        client.delete_trigger(trigger.id)  # no error: the retry's 404 means gone
        with pytest.raises(NotFound):
            client.get_trigger(trigger.id)
        assert client.list_triggers() == []
    deletes = [a for a in transport.answers if a[0] == "DELETE"]
    assert [status for *_, status in deletes] == [0, 404]
    timeline = [(e.action, e.kind, e.object_id, e.outcome) for e in sandbox.timeline()]
    assert timeline == [
        ("create", "workflow", wf.id, "ok"),
        ("create", "trigger", trigger.id, "ok"),
        ("delete", "trigger", trigger.id, "response_lost"),
    ]
    assert sandbox.emit("E", {}) == []  # and it no longer fires


def test_a_lost_workflow_delete_is_done_in_both_profiles(sandbox: Sandbox) -> None:
    transport = Counting(sandbox.transport())
    with _client(transport) as client:
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        sandbox.set_faults(Faults(script=(ScriptedFault("lost", "DELETE", "/workflows/"),)))
        client.delete_workflow(wf.id)
        assert client.list_workflows() == []
    retried = [status for method, _, status in transport.answers if method == "DELETE"]
    # the second attempt: 204 again today, 404 with fix/soft-deleted-workflows
    assert retried == [0, 404 if sandbox.profile.soft_deleted_workflows else 204]
    deletes = [e for e in sandbox.timeline() if e.action == "delete"]
    assert [(e.object_id, e.outcome) for e in deletes] == [(wf.id, "response_lost")]


def test_deleting_twice_is_done_twice_and_written_once(sandbox: Sandbox) -> None:
    with _client(sandbox.transport()) as client:
        wf = client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="w"))
        trigger = client.create_trigger(TriggerSpec(event="E", workflow_id=wf.id))
        for _ in range(2):
            client.delete_trigger(trigger.id)
            client.delete_workflow(wf.id)
    deletes = [(e.kind, e.object_id) for e in sandbox.timeline() if e.action == "delete"]
    assert deletes == [("trigger", trigger.id), ("workflow", wf.id)]
