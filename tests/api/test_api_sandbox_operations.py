"""Every operation of the seed SDK document (v1 and v2) through the client, against the
in-process sandbox, with what comes back checked for meaning, not just shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from orchctl.api import (
    ClientConfig,
    NotFound,
    OrchestrationClient,
    TriggerSpec,
    Unsupported,
    ValidationFailed,
    WorkflowConfig,
)
from orchctl.sandbox import EMBEDDED_URL, Sandbox

# The seed document's operations: name -> (method, path after the version prefix).
OPERATIONS: dict[str, tuple[str, str]] = {
    "CancelEvent": ("PUT", r"/instances/[^/]+/abort"),
    "CreateTrigger": ("POST", r"/triggers"),
    "CreateWorkflow": ("POST", r"/workflows"),
    "DeleteTrigger": ("DELETE", r"/triggers/[^/]+"),
    "DeleteWorkflow": ("DELETE", r"/workflows/[^/]+"),
    "GetInstance": ("GET", r"/instances/[^/]+"),
    "GetInstanceHistory": ("GET", r"/instances/[^/]+/history"),
    "GetInstanceStageHistory": ("GET", r"/instances/[^/]+/stages/\d+/history"),
    "GetWorkflow": ("GET", r"/workflows/[^/]+"),
    "ListInstances": ("GET", r"/instances"),
    "ListTriggers": ("GET", r"/triggers"),
    "ListTriggersOccurrences": ("GET", r"/triggers/[^/]+/occurrences"),
    "ListWorkflows": ("GET", r"/workflows"),
    "OrchestrationgetServerInfo": ("GET", r"/_info"),
    "ReadTrigger": ("GET", r"/triggers/[^/]+"),
    "RunWorkflow": ("POST", r"/workflows/[^/]+/instances"),
    "SendEvent": ("POST", r"/instances/[^/]+/events"),
}
V2_ONLY = {"TestTrigger": ("POST", r"/triggers/[^/]+/test")}
SEED_OPERATIONS = {
    **OPERATIONS,
    **V2_ONLY,
    **{f"V2{name}": op for name, op in OPERATIONS.items() if name != "OrchestrationgetServerInfo"},
    "V2GetServerInfo": ("GET", r"/_info"),
}


@dataclass
class Recorder(httpx.BaseTransport):
    """Wraps the sandbox transport; names each answered call after its seed operation."""

    inner: httpx.BaseTransport
    seen: dict[str, int] = field(default_factory=dict)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        path = request.url.path.removeprefix("/api/orchestration")
        v2 = path.startswith("/v2/")
        path = path.removeprefix("/v2")
        for name, (method, pattern) in {**OPERATIONS, **V2_ONLY}.items():
            if request.method == method and re.fullmatch(pattern, path):
                if name == "OrchestrationgetServerInfo" and getattr(self, "v2_info", False):
                    name = "V2GetServerInfo"
                elif v2 and name not in V2_ONLY:
                    name = "V2" + name
                if response.status_code < 300:
                    self.seen[name] = self.seen.get(name, 0) + 1
                break
        return response


@pytest.fixture(scope="module")
def recorded() -> dict[str, int]:
    return {}


@pytest.fixture
def sandbox(profile: str) -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=1, time_scale=0.001, profile=profile) as sb:
        yield sb


def lifecycle(sb: Sandbox, version: str, recorded: dict[str, int]) -> None:
    recorder = Recorder(sb.transport())
    config = ClientConfig(api_version=version)  # type: ignore[arg-type]
    with OrchestrationClient(config, transport=recorder, base_url=EMBEDDED_URL) as client:
        recorder.v2_info = version == "v2"  # type: ignore[attr-defined]
        info = client.server_info()
        assert info.version == "v2.0.0-sandbox"
        assert client.layout == "gateway"

        wf = client.create_workflow(
            WorkflowConfig(
                name="payin",
                stages=(
                    {"wait_event": {"event": "go"}},
                    {"update": {"account": {"id": "a:${who}", "metadata": {"k": "v"}}}},
                ),
            )
        )
        assert wf.name == "payin"
        assert len(wf.config.stages) == 2
        assert client.get_workflow(wf.id) == wf
        assert [w.id for w in client.list_workflows()] == [wf.id]
        if version == "v1":
            assert [w.id for w in client.list_workflows_v1_capped()] == [wf.id]

        spec = TriggerSpec(
            event="SAVED_PAYMENT",
            workflow_id=wf.id,
            name="credit",
            filter='event.status == "SUCCEEDED"',
            vars={"who": "event.id"},
        )
        trig = client.create_trigger(spec)
        assert (trig.name, trig.event, trig.workflow_id) == ("credit", "SAVED_PAYMENT", wf.id)
        assert trig.vars == {"who": "event.id"}
        assert client.get_trigger(trig.id) == trig
        assert client.list_triggers() == [trig]
        if version == "v1":
            assert client.list_triggers_v1_capped() == [trig]
            with pytest.raises(Unsupported) as refused:
                client.test_trigger(trig.id, {"status": "SUCCEEDED", "id": "p1"})
            assert "api_version: v2" in str(refused.value)
        else:
            hit = client.test_trigger(trig.id, {"status": "SUCCEEDED", "id": "p1"})
            assert hit.matched
            assert hit.variables is not None
            assert hit.variables["who"].value == "p1"
            miss = client.test_trigger(trig.id, {"status": "FAILED", "id": "p1"})
            assert not miss.matched
            assert miss.variables is None

        # a matching event fires the trigger: an occurrence and a waiting instance
        sb.emit("SAVED_PAYMENT", {"id": "p9", "status": "SUCCEEDED"})
        (occ,) = client.list_trigger_occurrences(trig.id)
        assert occ.trigger_id == trig.id
        assert occ.event.get("id") == "p9"
        assert occ.workflow_instance_id is not None

        run = client.run_workflow(wf.id, {"who": "manual"})
        assert run.workflow_id == wf.id
        assert not run.terminated
        instances = client.list_instances(wf.id)
        assert {i.id for i in instances} == {run.id, occ.workflow_instance_id}
        assert [i.id for i in client.list_instances(wf.id, running=True)] == [
            i.id for i in instances
        ]
        assert client.list_instances(wf.id, running=False) == []
        if version == "v1":
            assert {i.id for i in client.list_instances_v1_capped()} == {i.id for i in instances}

        client.send_event(run.id, "go")
        done = sb.wait_instance(run.id)
        assert done["terminated"]
        got = client.get_instance(run.id)
        assert got.terminated
        assert got.error is None
        assert [s.stage for s in got.status] == [0, 1]
        history = client.get_instance_history(run.id)
        assert [h.name for h in history] == ["RunWaitEvent", "RunUpdate"]
        assert all(h.terminated for h in history)
        activities = client.get_instance_stage_history(run.id, 1)
        assert activities
        assert "a:manual" in repr(activities[0].input)

        assert occ.workflow_instance_id is not None
        client.abort_instance(occ.workflow_instance_id)
        aborted = client.get_instance(occ.workflow_instance_id)
        assert aborted.terminated
        assert aborted.error == "canceled"

        client.delete_trigger(trig.id)
        assert client.list_triggers() == []
        client.delete_workflow(wf.id)
        assert client.list_workflows() == []
        if sb.profile.soft_deleted_workflows:  # patched: a deleted workflow is gone
            with pytest.raises(NotFound):
                client.get_workflow(wf.id)
        else:
            assert client.get_workflow(wf.id).deleted  # soft delete: still readable
        client.delete_workflow(wf.id)  # again: 204 today, 404 patched; done either way
        with pytest.raises(NotFound):
            client.get_workflow("00000000-0000-4000-8000-000000000000")
        client.delete_trigger(trig.id)  # a delete answered 404 is done
        client.delete_trigger("00000000-0000-4000-8000-000000000000")
        with pytest.raises(ValidationFailed):
            client.create_trigger(TriggerSpec(event="E", workflow_id=wf.id, filter="a ++ b)"))
    for name, count in recorder.seen.items():
        recorded[name] = recorded.get(name, 0) + count


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_lifecycle_through_every_operation(
    sandbox: Sandbox, version: str, recorded: dict[str, int]
) -> None:
    lifecycle(sandbox, version, recorded)


def test_every_seed_operation_was_called_successfully(recorded: dict[str, int]) -> None:
    """Runs after the lifecycles (file order); fails if one of them did not run."""
    assert sorted(SEED_OPERATIONS) == sorted(recorded), (
        f"missing: {sorted(set(SEED_OPERATIONS) - set(recorded))}"
    )
    assert len(SEED_OPERATIONS) == 35
    assert all(count >= 2 for count in recorded.values())  # each profile called each


def test_bare_layout_is_detected(sandbox: Sandbox) -> None:
    class NoGateway(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = sandbox.transport()
            self.paths: list[str] = []

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            self.paths.append(request.url.path)
            if request.url.path.startswith("/api/orchestration"):
                return httpx.Response(404, text="404 page not found\n")
            return self.inner.handle_request(request)

    transport = NoGateway()
    with OrchestrationClient(transport=transport) as client:
        assert client.list_workflows() == []
        assert client.layout == "bare"
    assert transport.paths == ["/api/orchestration/_info", "/_info", "/v2/workflows"]


def test_a_url_with_the_gateway_prefix_skips_the_probe(sandbox: Sandbox) -> None:
    with OrchestrationClient(
        transport=sandbox.transport(), base_url=EMBEDDED_URL + "/api/orchestration/"
    ) as client:
        client.list_workflows()
        assert client.requests_sent == 1


def test_v2_server_info_falls_back_from_the_unserved_v2_path(sandbox: Sandbox) -> None:
    paths: list[str] = []

    class Paths(httpx.BaseTransport):
        inner = sandbox.transport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            paths.append(request.url.path)
            return self.inner.handle_request(request)

    with OrchestrationClient(transport=Paths(), layout="gateway") as client:
        assert client.server_info().version == "v2.0.0-sandbox"
    assert paths == ["/api/orchestration/v2/_info", "/api/orchestration/_info"]
