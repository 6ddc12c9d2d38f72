"""What each step does on the stack (the executor decides when).

Bodies come from the repository's definitions, resolved now (`Desired`), never from a
saved plan file (whose sensitive values are masked). Workflow ids a trigger needs are the
kept live id or the id the step that created the new version recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchctl.api import OrchestrationClient
from orchctl.api.models import Trigger, TriggerSpec
from orchctl.apply.executor import StepFailed, StepResult
from orchctl.apply.once import (
    create_trigger_once,
    create_workflow_once,
    delete_trigger_once,
    delete_workflow_once,
)
from orchctl.apply.steps import Step, StepKind
from orchctl.plan.compare import trigger_body
from orchctl.plan.model import Action, Desired, DesiredTrigger, Plan


class ShadowTester(Protocol):
    """Runs a trigger's tests through a shadow copy; raises StepFailed-like errors or returns
    a report with ``failures`` (one line each) and ``ok``."""

    def __call__(
        self,
        client: OrchestrationClient,
        definition: Any,
        body: Mapping[str, Any],
        workflow_id: str,
    ) -> Any: ...


@dataclass(frozen=True)
class Swapped:
    """When a swap's two calls happened (wall clock), for the window report: the gap
    (delete-first) or the overlap (create-first) lies within [start, end]."""

    name: str
    swap: str
    old_ids: tuple[str, ...]
    new_id: str
    start: float  # time.time() before the first call
    end: float  # time.time() after the second

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class RunState:
    """Shared by the steps of one run (written under the lock)."""

    workflow_ids: dict[str, str] = field(default_factory=dict)  # plain name -> live id to use
    created: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, name, id)
    swaps: list[Swapped] = field(default_factory=list)
    unversioned: list[str] = field(default_factory=list)  # triggers the server dropped version of
    shadow_failures: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class StepRunner:
    def __init__(
        self,
        client: OrchestrationClient,
        plan: Plan,
        desired: Desired,
        known_ids: Collection[str],
        *,
        definitions: Mapping[str, Any] | None = None,  # trigger name -> loaded definition
        shadow: ShadowTester | None = None,
        namer: Callable[[str], str] = lambda name: name,
        verify: Callable[[], list[str]] | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.workflows = {w.name: w for w in desired.workflows}
        self.triggers = {t.name: t for t in desired.triggers}
        self.known = frozenset(known_ids)
        self.definitions = dict(definitions or {})
        self.shadow = shadow
        self.namer = namer
        self.verify = verify
        self.check = check  # e.g. the lease's check(): raises when the lock was lost
        self.state = RunState()
        for change in plan.changes:
            if change.kind == "Workflow" and change.action is Action.NOOP and change.live_ids:
                self.state.workflow_ids[change.name] = change.live_ids[0]

    def __call__(self, step: Step) -> StepResult:
        if self.check is not None and step.kind is not StepKind.VERIFY:
            self.check()
        kind = step.kind
        if kind is StepKind.CREATE_WORKFLOW:
            return self._create_workflow(step)
        if kind is StepKind.SHADOW_TEST:
            return self._shadow_test(step)
        if kind is StepKind.GATE:
            return StepResult()
        if kind is StepKind.CREATE_TRIGGER:
            trigger = self._create_trigger(step.name)
            return StepResult(created=(trigger.id,))
        if kind in (StepKind.SWAP_DELETE_FIRST, StepKind.SWAP_CREATE_FIRST):
            return self._swap(step)
        if kind is StepKind.DELETE_TRIGGER:
            for trigger_id in step.ids:
                delete_trigger_once(self.client, trigger_id)  # 404 is done
            return StepResult(deleted=step.ids)
        if kind is StepKind.DELETE_WORKFLOW:
            for workflow_id in step.ids:
                delete_workflow_once(self.client, workflow_id)  # 404 is done
            return StepResult(deleted=step.ids)
        if kind is StepKind.VERIFY:
            left = self.verify() if self.verify is not None else []
            if left:
                raise StepFailed(
                    "the stack does not match the plan after apply: " + "; ".join(left)
                )
            return StepResult()
        raise AssertionError(kind)

    # -- workflows -------------------------------------------------------------------------

    def _create_workflow(self, step: Step) -> StepResult:
        wanted = self.workflows[step.name]
        created = create_workflow_once(
            self.client, self.namer(step.name), wanted.stages, self.known
        )
        with self.state.lock:
            self.state.workflow_ids[step.name] = created.id
            self.state.created.append(("Workflow", step.name, created.id))
        return StepResult(created=(created.id,))

    def workflow_id(self, name: str) -> str:
        with self.state.lock:
            found = self.state.workflow_ids.get(name)
        if found is None:
            raise StepFailed(f"workflow {name} has no live id to point a trigger at")
        return found

    # -- triggers --------------------------------------------------------------------------

    def spec(self, wanted: DesiredTrigger) -> TriggerSpec:
        return TriggerSpec(
            event=wanted.event,
            workflow_id=self.workflow_id(wanted.workflow),
            name=self.namer(wanted.name),
            filter=wanted.filter,
            vars=dict(wanted.vars) or None,
            version=wanted.version,
        )

    def _create_trigger(self, name: str) -> Trigger:
        wanted = self.triggers[name]
        created = create_trigger_once(self.client, self.spec(wanted), self.known)
        with self.state.lock:
            self.state.created.append(("Trigger", name, created.id))
            if wanted.version is not None and created.version is None:
                self.state.unversioned.append(name)
        return created

    def _swap(self, step: Step) -> StepResult:
        """The two calls back to back, everything prepared before the first."""
        wanted = self.triggers[step.name]
        spec = self.spec(wanted)  # resolved before the first call: nothing between the two
        wall, start = time.time(), time.monotonic()
        if step.kind is StepKind.SWAP_DELETE_FIRST:
            for old in step.ids:
                delete_trigger_once(self.client, old)
            created = create_trigger_once(self.client, spec, self.known)
        else:
            created = create_trigger_once(self.client, spec, self.known)
            for old in step.ids:
                delete_trigger_once(self.client, old)
        window = time.monotonic() - start  # an upper bound of the gap (or the overlap)
        record = Swapped(step.name, wanted.swap, step.ids, created.id, wall, wall + window)
        with self.state.lock:
            self.state.created.append(("Trigger", step.name, created.id))
            self.state.swaps.append(record)
            if wanted.version is not None and created.version is None:
                self.state.unversioned.append(step.name)
        return StepResult(
            created=(created.id,),
            deleted=step.ids,
            detail={"swap": wanted.swap, "window_seconds": round(window, 6)},
        )

    # -- shadow tests ----------------------------------------------------------------------

    def _shadow_test(self, step: Step) -> StepResult:
        if self.shadow is None:
            raise StepFailed("shadow tests are not available")
        wanted = self.triggers[step.name]
        definition = self.definitions[step.name]
        body = trigger_body(wanted.event, wanted.filter, wanted.vars, wanted.version)
        report = self.shadow(self.client, definition, body, self.workflow_id(wanted.workflow))
        failures = [str(f) for f in getattr(report, "failures", [])]
        if failures:
            with self.state.lock:
                self.state.shadow_failures[step.name] = failures
            raise StepFailed(
                f"{len(failures)} test{'s' if len(failures) != 1 else ''} of trigger "
                f"{step.name} failed on the stack"
            )
        return StepResult()
