"""apply on the in-process sandbox: what it does, in what order (replayed from the timeline),
what it refuses, and how it reports."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from apply_support import (
    STAGES_A,
    STAGES_B,
    apply_dir,
    changes,
    check_invariants,
    plan_dir,
    write_project,
)
from sandbox_clients import sandbox_client

from orchctl.api import ClientConfig, OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.apply.actions import Swapped
from orchctl.apply.engine import LAST_APPLY, PlanBlocked, StalePlan, read_swap_window
from orchctl.apply.lock import LockHeld, acquire
from orchctl.apply.shadow import run_shadow_tests
from orchctl.definitions.loader import load_project
from orchctl.pipeline import PlanRequest, plan_with
from orchctl.plan.planfile import load_plan, save_plan
from orchctl.sandbox import Sandbox


def _schema() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    return json.loads((root / "schemas" / "apply-events.schema.json").read_text())


@pytest.fixture(params=["current", "patched"])
def sb(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """Today's service and the one its unmerged fix branches would make (issue 9)."""
    with Sandbox(":memory:", seed=3, time_scale=0.001, profile=request.param) as sandbox:
        yield sandbox


def triggers(*specs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"name": n, "workflow": w, "swap": s} for n, w, s in specs]


def test_from_empty_creates_everything_and_plans_empty_after(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        workflows={"w": STAGES_A, "x": STAGES_B},
        triggers=triggers(("t", "w", "delete-first"), ("u", "x", "create-first")),
    )
    report = apply_dir(sb, root)
    assert report.ok
    assert report.counts() == {"created": 4, "replaced": 0, "deleted": 0}
    assert changes(plan_dir(sb, root)) == []
    check_invariants(sb.timeline(), delete_first=["t"])


def test_every_event_validates_against_the_schema(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        workflows={"w": STAGES_A},
        triggers=triggers(("t", "w", "delete-first"), ("u", "w", "create-first")),
    )
    apply_dir(sb, root)
    write_project(
        tmp_path,
        workflows={"w": STAGES_B},
        triggers=triggers(("t", "w", "delete-first"), ("u", "w", "create-first")),
    )
    seen: list[dict[str, Any]] = []
    apply_dir(sb, root, emit=seen.append)
    validator = jsonschema.Draft202012Validator(_schema())
    for event in seen:
        validator.validate(json.loads(json.dumps(event)))
    types = [e["type"] for e in seen]
    assert types[0] == "apply_start"
    assert types[-1] == "change_summary"
    assert types.count("swap_window") == 2
    assert types.count("step_start") == types.count("step_complete")


def test_a_replaced_workflow_moves_its_triggers_then_goes(sb: Sandbox, tmp_path: Path) -> None:
    spec = triggers(("t", "w", "delete-first"), ("u", "w", "create-first"))
    root = write_project(tmp_path, workflows={"w": STAGES_A}, triggers=spec)
    apply_dir(sb, root)
    first = len(sb.timeline())
    write_project(tmp_path, workflows={"w": STAGES_B}, triggers=spec)
    report = apply_dir(sb, root)
    assert report.counts() == {"created": 0, "replaced": 3, "deleted": 0}
    writes = [
        (e.action, e.kind, e.name)
        for e in sb.timeline()[first:]
        if e.kind != "workflow" or not (e.name or "").startswith("orchctl:lock")
    ]
    assert writes[0] == ("create", "workflow", "w")
    assert writes[-1] == ("delete", "workflow", "w")
    check_invariants(sb.timeline(), delete_first=["t"])
    assert changes(plan_dir(sb, root)) == []


def test_swap_windows_are_reported(sb: Sandbox, tmp_path: Path) -> None:
    spec = [
        {"name": "t", "workflow": "w", "filter": "event.amount > 1"},
        {"name": "u", "workflow": "w", "swap": "create-first", "filter": "event.amount > 1"},
    ]
    root = write_project(tmp_path, workflows={"w": STAGES_A}, triggers=spec)
    apply_dir(sb, root)
    for t in spec:
        t["filter"] = "event.amount > 2"
    write_project(tmp_path, workflows={"w": STAGES_A}, triggers=spec)
    report = apply_dir(sb, root)
    windows = {w.name: w for w in report.swaps}
    assert windows["t"].swap == "delete-first"
    assert windows["t"].occurrences is None
    assert windows["t"].seconds >= 0
    assert windows["u"].occurrences == (0, 0)
    assert windows["u"].both == ()


def test_duplicates_and_prunes(sb: Sandbox, tmp_path: Path) -> None:
    with sandbox_client(sb, "someone") as client:
        w1 = client.create_workflow(WorkflowConfig(tuple(STAGES_A), "pay/w"))
        client.create_workflow(WorkflowConfig(tuple(STAGES_A), "pay/w"))
        old = client.create_workflow(WorkflowConfig(tuple(STAGES_A), "pay/old"))
        for _ in range(2):
            client.create_trigger(TriggerSpec("SAVED_PAYMENT", w1.id, "pay/t"))
        client.create_trigger(TriggerSpec("SAVED_PAYMENT", old.id, "pay/old-t"))
    root = write_project(
        tmp_path,
        namespace="pay",
        prune=True,
        workflows={"w": STAGES_A},
        triggers=[{"name": "t", "workflow": "w"}],
    )
    report = apply_dir(sb, root)
    assert report.counts() == {"created": 0, "replaced": 0, "deleted": 4}
    check_invariants(sb.timeline(), delete_first=[])
    assert changes(plan_dir(sb, root)) == []


def test_a_blocked_plan_is_refused_before_any_write(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(tmp_path, namespace="pay", workflows={"w": STAGES_A})
    apply_dir(sb, root)
    live = plan_dir(sb, root).changes[0].live_ids[0]
    with sandbox_client(sb, "someone") as client:
        client.create_trigger(TriggerSpec("SAVED_PAYMENT", live, "theirs"))
    write_project(tmp_path, namespace="pay", workflows={"w": STAGES_B})
    before = [e for e in sb.timeline() if not (e.name or "").startswith("orchctl:lock")]
    with pytest.raises(PlanBlocked):
        apply_dir(sb, root)
    after = [e for e in sb.timeline() if not (e.name or "").startswith("orchctl:lock")]
    assert after == before


def save(sb: Sandbox, root: Path, path: Path) -> None:
    project = load_project(str(root))
    with sandbox_client(sb, "planner") as client:
        planned = plan_with(client, sb_target(), project, PlanRequest())
    save_plan(str(path), planned.plan, planned.desired, target="test")


def sb_target() -> Any:
    from apply_support import TARGET

    return TARGET


def test_a_saved_plan_made_on_an_empty_stack_applies_once(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "repo", workflows={"w": STAGES_A}, triggers=triggers(("t", "w", "delete-first"))
    )
    planfile = tmp_path / "plan.json"
    save(sb, root, planfile)
    assert apply_dir(sb, root, saved=load_plan(str(planfile))).ok
    writes = len(sb.timeline())
    with pytest.raises(StalePlan, match="the stack changed"):
        apply_dir(sb, root, saved=load_plan(str(planfile)))
    lock_writes = [
        e for e in sb.timeline()[writes:] if not (e.name or "").startswith("orchctl:lock")
    ]
    assert lock_writes == []


def test_a_saved_plan_is_refused_when_an_object_changed(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(tmp_path / "repo", workflows={"w": STAGES_A})
    apply_dir(sb, root)
    write_project(tmp_path / "repo", workflows={"w": STAGES_B})
    planfile = tmp_path / "plan.json"
    save(sb, root, planfile)
    with sandbox_client(sb, "someone") as client:
        client.create_workflow(WorkflowConfig(tuple(STAGES_A), "w"))  # appeared meanwhile
    with pytest.raises(StalePlan, match="the stack changed"):
        apply_dir(sb, root, saved=load_plan(str(planfile)))


def test_a_saved_plan_is_refused_when_the_repository_changed(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(tmp_path / "repo", workflows={"w": STAGES_A})
    planfile = tmp_path / "plan.json"
    save(sb, root, planfile)
    write_project(tmp_path / "repo", workflows={"w": STAGES_B})
    with pytest.raises(StalePlan, match="repository"):
        apply_dir(sb, root, saved=load_plan(str(planfile)))


def test_a_failure_stops_new_work_and_reports_everything(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        workflows={"w": STAGES_A, "x": STAGES_B},
        triggers=triggers(("t", "w", "delete-first"), ("u", "x", "delete-first")),
    )
    # a definite refusal of one trigger create (a 400: the write did not happen)
    transport: httpx.BaseTransport = Refuse(sb.transport(), "t")  # type: ignore[assignment]
    with OrchestrationClient(ClientConfig(), transport=transport, layout="bare") as client:
        report = apply_dir(None, root, client=client, parallelism=1, state_dir=str(tmp_path))
    statuses = {o.step.key: o.status for o in report.outcomes}
    assert not report.ok
    assert statuses["create-trigger:t"] == "failed"
    assert statuses["create-trigger:u"] == "not-started"
    assert statuses["verify"] == "not-started"
    assert report.counts() == {"created": 2, "replaced": 0, "deleted": 0}
    document = json.loads((tmp_path / ".orchctl" / LAST_APPLY).read_text())
    assert document["status"] == "failed"
    assert {o["status"] for o in document["outcomes"]} == {"done", "failed", "not-started"}
    jsonschema.validate(
        {
            "type": "change_summary",
            **{k: v for k, v in document.items() if k not in ("kind", "target")},
        },
        _schema(),
    )
    again = apply_dir(sb, root)
    assert again.ok
    assert changes(plan_dir(sb, root)) == []
    check_invariants(sb.timeline(), delete_first=["t", "u"])


def test_leftover_shadows_are_removed_and_never_planned(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(tmp_path, workflows={"w": STAGES_A})
    apply_dir(sb, root)
    wid = plan_dir(sb, root).changes[0].live_ids[0]
    with sandbox_client(sb, "crashed-apply") as client:
        shadow = client.create_trigger(TriggerSpec("orchctl-shadow-1234", wid, "orchctl-shadow/t"))
    project = load_project(str(root))
    with sandbox_client(sb, "planner") as client:
        planned = plan_with(client, sb_target(), project, PlanRequest())
    assert [t.id for t in planned.shadows] == [shadow.id]
    assert changes(planned.plan) == []
    report = apply_dir(sb, root)
    assert [o.step.ids for o in report.outcomes if o.step.shadow] == [(shadow.id,)]
    with sandbox_client(sb, "planner") as client:
        assert plan_with(client, sb_target(), project, PlanRequest()).shadows == ()


def test_a_held_lock_refuses_a_second_apply(sb: Sandbox, tmp_path: Path) -> None:
    root = write_project(tmp_path, workflows={"w": STAGES_A})
    with (
        sandbox_client(sb, "first") as client,
        acquire(client, environment="local", namespace=None, timeout=0),
    ):
        before = len(sb.timeline())
        with pytest.raises(LockHeld):
            apply_dir(sb, root, actor="second")
        plan = plan_dir(sb, root)
        assert changes(plan) == [("+", "Workflow", "w")]  # the lock object is not planned
        second = [e for e in sb.timeline()[before:] if e.actor == "second"]
        assert all((e.name or "").startswith("orchctl:lock") for e in second)


class Refuse:
    """Answers 400 to the create of the trigger named `name` (the store never sees it)."""

    def __init__(self, inner: Any, name: str) -> None:
        self.inner = inner
        self.name = name

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        posted = request.method == "POST" and request.url.path.endswith("/triggers")
        if posted and json.loads(request.content).get("name") == self.name:
            body = {"errorCode": "VALIDATION", "errorMessage": "refused by the test"}
            return httpx.Response(400, json=body, request=request)
        response: httpx.Response = self.inner.handle_request(request)
        return response

    def close(self) -> None:
        self.inner.close()


class DropVersion:
    """A server older than trigger versions: `version` never reaches the store."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def handle_request(self, request: Any) -> Any:
        if request.method == "POST" and request.url.path.endswith("/triggers"):
            body = json.loads(request.content)
            body.pop("version", None)
            request = httpx.Request(
                request.method,
                request.url,
                headers={k: v for k, v in request.headers.items() if k.lower() != "content-length"},
                json=body,
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_server_without_trigger_versions_is_said_and_not_replanned(
    sb: Sandbox, tmp_path: Path
) -> None:
    root = write_project(
        tmp_path,
        workflows={"w": STAGES_A},
        triggers=[{"name": "t", "workflow": "w", "version": "v2"}],
    )
    transport: httpx.BaseTransport = DropVersion(sb.transport())  # type: ignore[assignment]
    with OrchestrationClient(ClientConfig(), transport=transport, layout="bare") as client:
        report = apply_dir(None, root, client=client)
    assert report.ok
    assert report.unversioned == ("t",)
    project = load_project(str(root))
    with OrchestrationClient(ClientConfig(), transport=transport, layout="bare") as client:
        planned = plan_with(client, sb_target(), project, PlanRequest())
    assert changes(planned.plan) == []  # not replaced again on every run
    assert planned.unversioned == ("t",)


def live_bodies(sb: Sandbox) -> list[tuple[str, str, str]]:
    with sandbox_client(sb, "checker") as client:
        live = client.list_all()
    return sorted(
        [("workflow", w.id, json.dumps(w.config.stages)) for w in live.workflows]
        + [("trigger", t.id, f"{t.workflow_id} {t.filter}") for t in live.triggers]
    )


def test_a_failing_shadow_test_leaves_the_stack_exactly_as_it_was(
    sb: Sandbox, tmp_path: Path
) -> None:
    good = {"name": "pays", "event": {"amount": 5}, "expect": {"match": True}}
    spec = [{"name": "t", "workflow": "w", "filter": "event.amount > 1", "tests": [good]}]
    root = write_project(tmp_path, workflows={"w": STAGES_A, "x": STAGES_A}, triggers=spec)
    assert apply_dir(sb, root, shadow=run_shadow_tests).ok
    before, start = live_bodies(sb), len(sb.timeline())
    bad = {"name": "small amounts too", "event": {"amount": 1}, "expect": {"match": True}}
    spec[0]["tests"] = [good, bad]
    spec[0]["filter"] = "event.amount > 2"
    write_project(tmp_path, workflows={"w": STAGES_B, "x": STAGES_B}, triggers=spec)
    report = apply_dir(sb, root, shadow=run_shadow_tests)
    assert not report.ok
    assert [o.step.key for o in report.outcomes if o.status == "failed"] == ["shadow-test:t"]
    assert any("small amounts too" in line for line in report.shadow_failures["t"])
    assert live_bodies(sb) == before
    touched = {(e.kind, e.object_id) for e in sb.timeline()[start:]}
    assert not {("trigger", i) for _, i, _ in before} & touched  # no live trigger touched
    assert len(report.cleaned_up) == 2  # both new workflow versions deleted again
    assert report.counts() == {"created": 0, "replaced": 0, "deleted": 0}


def test_a_create_first_window_reports_events_that_started_both(sb: Sandbox) -> None:
    with sandbox_client(sb, "setup") as client:
        workflow = client.create_workflow(WorkflowConfig(tuple(STAGES_A), "w"))
        old = client.create_trigger(
            TriggerSpec("SAVED_PAYMENT", workflow.id, "t", "event.amount > 1")
        )
        new = client.create_trigger(
            TriggerSpec("SAVED_PAYMENT", workflow.id, "t", "event.amount > 2")
        )
        start = time.time()
        sb.emit("SAVED_PAYMENT", {"id": "both", "amount": 5})  # matches old and new
        sb.emit("SAVED_PAYMENT", {"id": "old-only", "amount": 2})  # matches old only
        end = time.time()
        window = read_swap_window(
            client, Swapped("t", "create-first", (old.id,), new.id, start, end)
        )
    assert window.occurrences == (2, 1)
    assert [event["id"] for event in window.both] == ["both"]
