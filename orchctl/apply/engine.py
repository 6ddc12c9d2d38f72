"""One apply, DESIGN §5, with the stack already open and the lock held by the caller:

(1) re-read the live state and plan (a saved plan must still be what planning now gives);
(2)-(5) the plan's steps (`steps.py`), run by the executor (`executor.py`) with the step
runner (`actions.py`); a failed shadow test deletes what this apply created and touches no
live trigger; (6) re-read and confirm the stack matches the repository.

Everything that happens is told through `emit` as typed events (`events.py`); the report
is returned and written to `.orchctl/last-apply.json`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from orchctl.api import NotFound, OrchestrationClient
from orchctl.apply import events
from orchctl.apply.actions import ShadowTester, StepRunner, Swapped
from orchctl.apply.executor import Outcome, execute
from orchctl.apply.once import delete_workflow_once
from orchctl.apply.steps import Step, StepKind, build_steps
from orchctl.definitions.discovery import STATE_DIR
from orchctl.errors import OrchctlError
from orchctl.pipeline import Planned, PlanRequest, plan_with
from orchctl.plan.identity import Namer
from orchctl.plan.model import Action, Desired, Plan
from orchctl.plan.planfile import SavedPlan, desired_digest
from orchctl.stack import Target

LAST_APPLY = "last-apply.json"


class StalePlan(OrchctlError):
    """A saved plan that no longer describes the stack or the repository."""


class PlanBlocked(OrchctlError):
    """The plan cannot be applied as it stands."""


@dataclass(frozen=True)
class SwapWindow:
    name: str
    swap: str
    seconds: float
    old_ids: tuple[str, ...]
    new_id: str
    both: tuple[dict[str, Any], ...] = ()  # create-first: events that started old and new
    occurrences: tuple[int, int] | None = None  # create-first: (old, new) in the overlap


@dataclass(frozen=True)
class ApplyReport:
    plan: Plan
    outcomes: tuple[Outcome, ...]
    swaps: tuple[SwapWindow, ...]
    cleaned_up: tuple[str, ...]  # ids this apply created and deleted after a failed gate
    shadow_failures: Mapping[str, list[str]]
    unversioned: tuple[str, ...]  # triggers the server dropped `version` of
    seconds: float

    @property
    def ok(self) -> bool:
        return all(o.status == "done" for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        """Changes carried out in full, as the plan counts them."""
        done_keys = {o.step.key for o in self.outcomes if o.status == "done"}
        per_change: dict[tuple[str, str, str], list[bool]] = {}
        for outcome in self.outcomes:
            change = outcome.step.change
            if change is None or outcome.step.kind is StepKind.SHADOW_TEST:
                continue
            key = (change.kind, change.name, change.action.value)
            per_change.setdefault(key, []).append(outcome.step.key in done_keys)
        n = {"created": 0, "replaced": 0, "deleted": 0}
        for change in self.plan.changes:
            flags = per_change.get((change.kind, change.name, change.action.value))
            if not flags or not all(flags):
                continue
            if change.action is Action.CREATE:
                n["created"] += 1
            elif change.action.is_replace:
                n["replaced"] += 1
            elif change.action in (Action.DELETE, Action.REMOVE_DUPLICATE):
                n["deleted"] += 1
        return n


def check_saved_plan(saved: SavedPlan, planned: Planned, desired: Desired) -> None:
    """Refuse a saved plan that planning now would not give: the repository resolves to
    other definitions, or any object it depends on changed, vanished or appeared."""
    if desired_digest(desired) != saved.desired_digest:
        raise StalePlan(
            "the saved plan is stale: the repository (or its parameters) no longer resolves "
            "to the definitions it was made from",
            hint="make the plan again",
        )
    plan = planned.plan
    if (saved.plan.environment, saved.plan.namespace) != (plan.environment, plan.namespace):
        raise StalePlan(
            f"the saved plan is for environment {saved.plan.environment}, not {plan.environment}",
            hint="select its environment with --env, or make the plan again",
        )
    changed = sorted(
        i
        for i in set(saved.plan.fingerprints) | set(plan.fingerprints)
        if saved.plan.fingerprints.get(i) != plan.fingerprints.get(i)
    )
    if changed or _shape(saved.plan) != _shape(plan):
        what = f" ({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''})" if changed else ""
        raise StalePlan(
            "the saved plan is stale: the stack changed since it was made" + what,
            hint="make the plan again (`orchctl plan --out FILE`) and apply that",
        )


def _shape(plan: Plan) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(c.kind, c.name, c.action.value, c.live_ids) for c in plan.changes]


def run_apply(
    client: OrchestrationClient,
    target: Target,
    planned: Planned,
    *,
    emit: Callable[[dict[str, Any]], None] = lambda e: None,
    parallelism: int = 8,
    shadow: ShadowTester | None = None,
    leftover_shadows: tuple[str, ...] = (),
    check: Callable[[], None] | None = None,
    replan: Callable[[], Planned] | None = None,
    state_dir: str | None = None,
) -> ApplyReport:
    """Carry out `planned.plan` (already checked against a saved plan if any)."""
    began = time.monotonic()
    plan = planned.plan
    if plan.blocked:
        raise PlanBlocked(
            f"the plan is blocked: {len(plan.blocked)} trigger(s) orchctl does not manage "
            "would be left dangling",
            hint="delete or adopt those triggers, or pass --force",
        )
    namer = Namer(plan.namespace)
    definitions = {t.name: t for t in planned.project.triggers}
    tested = [name for name, t in definitions.items() if t.tests] if shadow is not None else []
    steps = build_steps(plan, planned.live, tested=tested, leftover_shadows=leftover_shadows)
    known = {w.id for w in planned.live.workflows} | {t.id for t in planned.live.triggers}

    def verify() -> list[str]:
        if replan is None:
            return []
        again = replan().plan
        return [
            f"{c.kind} {c.name}: {c.action.word}"
            for c in again.changes
            if c.action.changes and c.name not in runner.state.unversioned
        ]

    runner = StepRunner(
        client,
        plan,
        planned.desired,
        known,
        definitions=definitions,
        shadow=shadow,
        namer=namer.stack_name,
        verify=verify,
        check=check,
    )
    emit(events.apply_start(plan, steps, parallelism))
    outcomes = execute(
        steps,
        runner,
        parallelism=parallelism,
        on_start=lambda step: emit(events.step_start(step)),
        on_finish=lambda outcome: emit(events.step_finish(outcome)),
    )
    cleaned: list[str] = []
    gate_failed = any(
        o.status == "failed" and o.step.kind is StepKind.SHADOW_TEST for o in outcomes
    )
    if gate_failed:
        cleaned = _clean_up(client, runner)
    swaps = tuple(_window(client, s) for s in runner.state.swaps)
    for window in swaps:
        emit(events.swap_window(window))
    report = ApplyReport(
        plan=plan,
        outcomes=outcomes,
        swaps=swaps,
        cleaned_up=tuple(cleaned),
        shadow_failures=dict(runner.state.shadow_failures),
        unversioned=tuple(sorted(set(runner.state.unversioned))),
        seconds=time.monotonic() - began,
    )
    emit(events.change_summary(report))
    if state_dir is not None:
        write_last_apply(state_dir, report, target)
    return report


def _clean_up(client: OrchestrationClient, runner: StepRunner) -> list[str]:
    """After a failed shadow test: delete what this apply created (only workflows can
    exist then: every trigger step waits for the gate)."""
    cleaned = []
    for kind, _name, created_id in reversed(runner.state.created):
        if kind == "Workflow":
            delete_workflow_once(client, created_id)
            cleaned.append(created_id)
    return cleaned


def _window(client: OrchestrationClient, swapped: Swapped) -> SwapWindow:
    """Delete-first: how long the gap lasted (at most). Create-first: the occurrences of the
    old and the new trigger during the overlap, and the events that started both."""
    base = SwapWindow(
        swapped.name, swapped.swap, round(swapped.seconds, 6), swapped.old_ids, swapped.new_id
    )
    if swapped.swap != "create-first":
        return base
    try:
        new = _in_window(client, swapped.new_id, swapped)
        old = [o for old_id in swapped.old_ids for o in _in_window(client, old_id, swapped)]
    except (NotFound, OrchctlError):
        return base
    new_events = {json.dumps(o, sort_keys=True) for o in new}
    both = tuple(o for o in old if json.dumps(o, sort_keys=True) in new_events)
    return SwapWindow(
        base.name,
        base.swap,
        base.seconds,
        base.old_ids,
        base.new_id,
        both=both,
        occurrences=(len(old), len(new)),
    )


def _in_window(client: OrchestrationClient, trigger_id: str, swapped: Swapped) -> list[Any]:
    out = []
    for occurrence in client.list_trigger_occurrences(trigger_id):
        at = occurrence.date.timestamp() if occurrence.date is not None else None
        if at is None or swapped.start - 1 <= at <= swapped.end + 1:
            out.append(dict(occurrence.event))
    return out


def write_last_apply(state_dir: str, report: ApplyReport, target: Target) -> str:
    """`.orchctl/last-apply.json`: done / failed / not started, each with kind, name, id."""
    directory = os.path.join(state_dir, STATE_DIR)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, LAST_APPLY)
    document = events.report_document(report, target.describe())
    fd, tmp = tempfile.mkstemp(prefix=".last-apply-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(document, fh, indent=2)
        fh.write("\n")
    os.replace(tmp, path)
    return path


def planned_now(
    client: OrchestrationClient,
    target: Target,
    planned: Planned,
    request: PlanRequest,
) -> Callable[[], Planned]:
    """A re-read and re-plan of the same repository (for the final check)."""
    return lambda: plan_with(client, target, planned.project, request, desired=planned.desired)


def step_label(step: Step) -> str:
    return f"{step.kind.kind} {step.name}".strip()
