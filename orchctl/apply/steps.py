"""The execution order as data: a plan's changes become steps with explicit dependencies.

Like gitops-engine's sync tasks (`pkg/sync/sync_tasks.go`: one `Less()` over phase, wave,
kind, name; deletes last), every step has a phase and a sort key, and names the steps it
waits for. The executor runs a step once everything it depends on is done, the ready ones
in sort-key order. DESIGN §5:

  2  create new workflow versions
  3  shadow tests of every trigger to create or replace that has tests; then the GATE
  4  trigger creates, swaps and removals (all after the gate: a failed test stops the apply
     before any live trigger is touched). A swap is ONE step whose two calls go back to
     back: delete-first deletes then creates, create-first creates then deletes.
  5  workflow deletions (superseded, duplicate, pruned), each only after every step that
     removes a live trigger pointing at it, and after the gate
  6  the final re-read (VERIFY), after everything

Nothing here reads a reason: decisions come from actions and the live state.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from orchctl.api.models import LiveState
from orchctl.plan.model import Action, Change, Plan


class StepKind(Enum):
    CREATE_WORKFLOW = "create-workflow"
    SHADOW_TEST = "shadow-test"
    GATE = "gate"  # every shadow test passed (no call)
    CREATE_TRIGGER = "create-trigger"
    SWAP_CREATE_FIRST = "swap-create-first"  # create the new trigger, then delete the old
    SWAP_DELETE_FIRST = "swap-delete-first"  # delete the old trigger, then create the new
    DELETE_TRIGGER = "delete-trigger"  # a duplicate, a pruned trigger, a leftover shadow
    DELETE_WORKFLOW = "delete-workflow"  # superseded, duplicate, pruned
    VERIFY = "verify"  # re-read and confirm the stack matches the plan

    @property
    def phase(self) -> int:
        return _PHASE[self]

    @property
    def kind(self) -> str:
        """The kind of object the step is about (``Workflow`` / ``Trigger`` / ``""``)."""
        if self in (StepKind.CREATE_WORKFLOW, StepKind.DELETE_WORKFLOW):
            return "Workflow"
        if self in (StepKind.GATE, StepKind.VERIFY):
            return ""
        return "Trigger"


_PHASE = {
    StepKind.CREATE_WORKFLOW: 2,
    StepKind.SHADOW_TEST: 3,
    StepKind.GATE: 3,
    StepKind.CREATE_TRIGGER: 4,
    StepKind.SWAP_CREATE_FIRST: 4,
    StepKind.SWAP_DELETE_FIRST: 4,
    StepKind.DELETE_TRIGGER: 4,
    StepKind.DELETE_WORKFLOW: 5,
    StepKind.VERIFY: 6,
}
# Within a phase: what adds before what replaces before what removes; the gate last of 3.
_KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            StepKind.CREATE_WORKFLOW,
            StepKind.SHADOW_TEST,
            StepKind.GATE,
            StepKind.CREATE_TRIGGER,
            StepKind.SWAP_CREATE_FIRST,
            StepKind.SWAP_DELETE_FIRST,
            StepKind.DELETE_TRIGGER,
            StepKind.DELETE_WORKFLOW,
            StepKind.VERIFY,
        )
    )
}


@dataclass(frozen=True)
class Step:
    key: str  # unique within a run: "create-workflow:payin", "delete-trigger:t:ID"
    kind: StepKind
    name: str = ""  # the plain definition name ("" for GATE and VERIFY)
    ids: tuple[str, ...] = ()  # live ids this step deletes
    depends_on: frozenset[str] = frozenset()
    change: Change | None = None  # the change the step carries out
    workflow: str | None = None  # a trigger step's workflow (plain name)
    shadow: bool = False  # DELETE_TRIGGER of a leftover shadow trigger

    @property
    def sort_key(self) -> tuple[int, int, str, tuple[str, ...]]:
        """gitops-engine's Less(): phase, kind, name, then the live ids."""
        return (self.kind.phase, _KIND_ORDER[self.kind], self.name, self.ids)


def build_steps(
    plan: Plan,
    live: LiveState,
    *,
    tested: Iterable[str] = (),
    leftover_shadows: Iterable[str] = (),
    verify: bool = True,
) -> tuple[Step, ...]:
    """The steps of `plan` on `live` (the state the plan was made from, re-read).

    `tested`: names of triggers that have tests (they get a shadow test when created or
    replaced). `leftover_shadows`: ids of shadow triggers an interrupted apply left behind
    (removed first thing, with no dependency)."""
    tested_names = set(tested)
    trigger_workflow = {t.id: t.workflow_id for t in live.triggers}
    steps: list[Step] = []
    created_workflow: dict[str, str] = {}  # workflow name -> key of its create step

    for change in plan.changes:
        if change.kind != "Workflow" or change.action is Action.NOOP:
            continue
        if change.action in (Action.CREATE, Action.REPLACE_CREATE_FIRST):
            key = f"{StepKind.CREATE_WORKFLOW.value}:{change.name}"
            created_workflow[change.name] = key
            steps.append(Step(key, StepKind.CREATE_WORKFLOW, change.name, change=change))

    shadow_keys: list[str] = []
    for change in plan.changes:
        if change.kind != "Trigger" or change.name not in tested_names:
            continue
        if change.action is Action.CREATE or change.action.is_replace:
            key = f"{StepKind.SHADOW_TEST.value}:{change.name}"
            shadow_keys.append(key)
            deps = _only(created_workflow.get(change.workflow or ""))
            steps.append(
                Step(
                    key,
                    StepKind.SHADOW_TEST,
                    change.name,
                    depends_on=deps,
                    change=change,
                    workflow=change.workflow,
                )
            )
    gate: frozenset[str] = frozenset()
    if shadow_keys:
        steps.append(Step(StepKind.GATE.value, StepKind.GATE, depends_on=frozenset(shadow_keys)))
        gate = frozenset({StepKind.GATE.value})

    removers: dict[str, set[str]] = defaultdict(set)  # workflow id -> steps removing its triggers

    def removes(key: str, trigger_ids: Iterable[str]) -> None:
        for trigger_id in trigger_ids:
            workflow_id = trigger_workflow.get(trigger_id)
            if workflow_id is not None:
                removers[workflow_id].add(key)

    for shadow_id in sorted(leftover_shadows):
        key = f"{StepKind.DELETE_TRIGGER.value}:shadow:{shadow_id}"
        steps.append(Step(key, StepKind.DELETE_TRIGGER, "", (shadow_id,), shadow=True))
        removes(key, (shadow_id,))

    for change in plan.changes:
        if change.kind != "Trigger" or change.action is Action.NOOP:
            continue
        after_workflow = gate | _only(created_workflow.get(change.workflow or ""))
        if change.action is Action.CREATE:
            kind = StepKind.CREATE_TRIGGER
        elif change.action is Action.REPLACE_CREATE_FIRST:
            kind = StepKind.SWAP_CREATE_FIRST
        elif change.action is Action.REPLACE_DELETE_FIRST:
            kind = StepKind.SWAP_DELETE_FIRST
        else:  # DELETE, REMOVE_DUPLICATE: one step per live copy
            for live_id in change.live_ids:
                key = f"{StepKind.DELETE_TRIGGER.value}:{change.name}:{live_id}"
                steps.append(
                    Step(key, StepKind.DELETE_TRIGGER, change.name, (live_id,), gate, change)
                )
                removes(key, (live_id,))
            continue
        key = f"{kind.value}:{change.name}"
        ids = change.live_ids if kind is not StepKind.CREATE_TRIGGER else ()
        steps.append(
            Step(key, kind, change.name, ids, after_workflow, change, workflow=change.workflow)
        )
        removes(key, ids)

    for change in plan.changes:
        if change.kind != "Workflow" or change.action in (Action.NOOP, Action.CREATE):
            continue
        for live_id in change.live_ids:
            key = f"{StepKind.DELETE_WORKFLOW.value}:{change.name}:{live_id}"
            deps = gate | frozenset(removers.get(live_id, ()))
            steps.append(Step(key, StepKind.DELETE_WORKFLOW, change.name, (live_id,), deps, change))

    if verify:
        everything = frozenset(s.key for s in steps)
        steps.append(Step(StepKind.VERIFY.value, StepKind.VERIFY, depends_on=everything))
    return tuple(sorted(steps, key=lambda s: s.sort_key))


def _only(key: str | None) -> frozenset[str]:
    return frozenset() if key is None else frozenset({key})


def order(steps: Iterable[Step]) -> list[Step]:
    """One sequential order that respects the dependencies, ready steps by sort key (what
    the executor does with a parallelism of 1). Raises ValueError on a cycle."""
    by_key = {s.key: s for s in steps}
    waiting = {s.key: set(s.depends_on) for s in by_key.values()}
    unknown = {d for deps in waiting.values() for d in deps} - set(by_key)
    if unknown:
        raise ValueError(f"dependencies on unknown steps: {sorted(unknown)}")
    dependents = dependents_of(by_key.values())
    ready = [(s.sort_key, s.key) for s in by_key.values() if not waiting[s.key]]
    heapq.heapify(ready)
    out: list[Step] = []
    while ready:
        _, key = heapq.heappop(ready)
        out.append(by_key[key])
        for other in dependents.get(key, ()):
            waiting[other].discard(key)
            if not waiting[other]:
                heapq.heappush(ready, (by_key[other].sort_key, other))
    if len(out) != len(by_key):
        raise ValueError("the steps' dependencies form a cycle")
    return out


def dependents_of(steps: Iterable[Step]) -> Mapping[str, list[str]]:
    dependents: dict[str, list[str]] = defaultdict(list)
    for step in steps:
        for dep in step.depends_on:
            dependents[dep].append(step.key)
    return dependents
