"""Property: for generated desired/live pairs, apply on the sandbox, then plan is empty; and
every apply keeps the invariants, replayed from the timeline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from apply_support import STAGES_A, STAGES_B, apply_dir, changes, check_invariants, plan_dir
from apply_support import write_project as write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_clients import sandbox_client

from orchctl.api import TriggerSpec, WorkflowConfig
from orchctl.pipeline import PlanRequest
from orchctl.sandbox import Sandbox

WF = ["a", "b", "c"]
TR = ["t", "u", "v"]
FILTERS = [None, "event.amount > 1", "event.amount > 2"]


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    namespace = draw(st.sampled_from([None, "pay"]))
    workflows = {
        n: draw(st.sampled_from([STAGES_A, STAGES_B])) for n in draw(st.sets(st.sampled_from(WF)))
    }
    triggers = []
    if workflows:
        for name in sorted(draw(st.sets(st.sampled_from(TR)))):
            trigger: dict[str, Any] = {
                "name": name,
                "workflow": draw(st.sampled_from(sorted(workflows))),
                "swap": draw(st.sampled_from(["delete-first", "create-first"])),
            }
            chosen = draw(st.sampled_from(FILTERS))
            if chosen:
                trigger["filter"] = chosen
            triggers.append(trigger)
    prefix = f"{namespace}/" if namespace else ""
    live_wf = draw(
        st.lists(
            st.tuples(
                st.sampled_from([*WF, "z"]), st.sampled_from([STAGES_A, STAGES_B]), st.booleans()
            ),
            max_size=4,
        )
    )
    live_wf = [(f"{prefix}{n}" if inside else n, stages) for n, stages, inside in live_wf]
    live_tr = []
    if live_wf:
        live_tr = draw(
            st.lists(
                st.tuples(
                    st.sampled_from([*TR, "y"]),
                    st.integers(0, len(live_wf) - 1),
                    st.sampled_from(FILTERS),
                ),
                max_size=4,
            )
        )
    live_tr = [(f"{prefix}{n}", i, f) for n, i, f in live_tr]
    return {
        "profile": draw(st.sampled_from(["current", "patched"])),
        "namespace": namespace,
        "prune": draw(st.booleans()) and namespace is not None,
        "workflows": workflows,
        "triggers": triggers,
        "live_workflows": live_wf,
        "live_triggers": live_tr,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_apply_then_plan_is_empty(scenario: dict[str, Any]) -> None:
    with (
        Sandbox(":memory:", seed=5, time_scale=0.001, profile=scenario["profile"]) as sb,
        tempfile.TemporaryDirectory() as tmp,
    ):
        with sandbox_client(sb, "before") as client:
            ids = [
                client.create_workflow(WorkflowConfig(tuple(stages), name)).id
                for name, stages in scenario["live_workflows"]
            ]
            for name, index, filter_ in scenario["live_triggers"]:
                client.create_trigger(TriggerSpec("SAVED_PAYMENT", ids[index], name, filter_))
        root = write(
            Path(tmp),
            namespace=scenario["namespace"],
            prune=scenario["prune"],
            workflows=scenario["workflows"],
            triggers=scenario["triggers"],
        )
        request = PlanRequest(force=True, allow_empty=True)
        forced = [f.id for f in plan_dir(sb, root, request).findings if f.category == "forced"]
        report = apply_dir(sb, root, request=request)
        assert report.ok, [(o.step.key, o.error) for o in report.outcomes if o.error]
        assert changes(plan_dir(sb, root, request)) == []
        prefix = f"{scenario['namespace']}/" if scenario["namespace"] else ""
        delete_first = [
            prefix + t["name"] for t in scenario["triggers"] if t["swap"] == "delete-first"
        ]
        managed = {prefix + t["name"] for t in scenario["triggers"]}
        if scenario["namespace"]:
            managed |= {n for n, _, _ in scenario["live_triggers"]}
        seeded = max((e.seq for e in sb.timeline() if e.actor == "before"), default=0)
        check_invariants(
            sb.timeline(),
            delete_first=delete_first,
            managed=managed,
            from_seq=seeded + 1,
            may_dangle=forced,
        )
