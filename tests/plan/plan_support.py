"""Short constructors for live objects and desired definitions, and an in-memory applier."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from orchctl.api.models import LiveState, Trigger, Workflow, WorkflowConfig
from orchctl.plan.model import Action, Plan
from orchctl.plan.planner import DesiredTrigger, DesiredWorkflow

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STAGES_A: tuple[dict[str, Any], ...] = ({"wait_event": {"event": "a"}},)
STAGES_B: tuple[dict[str, Any], ...] = ({"wait_event": {"event": "b"}},)


def lw(id_: str, name: str, stages: Any = STAGES_A, age: int = 0) -> Workflow:
    return Workflow(
        id=id_,
        config=WorkflowConfig(stages=tuple(stages), name=name),
        created_at=T0 + timedelta(minutes=age),
    )


def lt(
    id_: str,
    name: str,
    workflow_id: str,
    *,
    event: str = "SAVED_PAYMENT",
    filter: str | None = None,
    vars: dict[str, str] | None = None,
    age: int = 0,
) -> Trigger:
    return Trigger(
        id=id_,
        event=event,
        workflow_id=workflow_id,
        name=name,
        filter=filter,
        vars=vars or {},
        created_at=T0 + timedelta(minutes=age),
    )


def dw(name: str, stages: Any = STAGES_A) -> DesiredWorkflow:
    return DesiredWorkflow(name, tuple(stages))


def dt(name: str, workflow: str, **kw: Any) -> DesiredTrigger:
    kw.setdefault("event", "SAVED_PAYMENT")
    return DesiredTrigger(name=name, workflow=workflow, **kw)


def live(*objects: Workflow | Trigger) -> LiveState:
    return LiveState(
        workflows=tuple(o for o in objects if isinstance(o, Workflow)),
        triggers=tuple(o for o in objects if isinstance(o, Trigger)),
    )


def summary(plan: Plan) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(symbol, kind, name, live ids) of every change that does something."""
    return [(c.action.value, c.kind, c.name, c.live_ids) for c in plan.changes if c.action.changes]


_ids = itertools.count(1)


def apply_in_memory(plan: Plan, state: LiveState) -> LiveState:
    """Carry out a plan's actions on a copy of `state`, as apply would (order aside)."""
    workflows = {w.id: w for w in state.workflows}
    triggers = {t.id: t for t in state.triggers}
    workflow_ids: dict[str, str] = {}
    for change in plan.changes:
        if change.kind != "Workflow":
            continue
        if change.action is Action.NOOP:
            workflow_ids[change.name] = change.live_ids[0]
        if change.action in (Action.CREATE, Action.REPLACE_CREATE_FIRST):
            assert change.after is not None
            new = lw(f"new-{next(_ids)}", change.stack_name, change.after["stages"], age=1000)
            workflows[new.id] = new
            workflow_ids[change.name] = new.id
        if change.action is not Action.NOOP and change.action is not Action.CREATE:
            for id_ in change.live_ids:
                workflows.pop(id_)
    for change in plan.changes:
        if change.kind != "Trigger":
            continue
        if change.action is not Action.NOOP and change.action is not Action.CREATE:
            for id_ in change.live_ids:
                triggers.pop(id_)
        if change.action in (
            Action.CREATE,
            Action.REPLACE_CREATE_FIRST,
            Action.REPLACE_DELETE_FIRST,
        ):
            assert change.after is not None
            assert change.workflow is not None
            body = change.after
            new_t = lt(
                f"new-{next(_ids)}",
                change.stack_name,
                workflow_ids[change.workflow],
                event=body["event"],
                filter=body.get("filter"),
                vars=body.get("vars"),
                age=1000,
            )
            triggers[new_t.id] = new_t
    return LiveState(tuple(workflows.values()), tuple(triggers.values()))
