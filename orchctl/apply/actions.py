"""What each step does on the stack (the executor decides when).

Bodies come from the repository's definitions, resolved now (`Desired`), never from a
saved plan file (whose sensitive values are masked). Workflow ids a trigger needs are the
kept live id or the id the step that created the new version recorded.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from orchctl.api import (
    OrchestrationClient,
    RateLimited,
    ServerError,
    TransportError,
    Trigger,
    Workflow,
)
from orchctl.api.models import TriggerSpec
from orchctl.apply.executor import StepFailed, StepResult
from orchctl.apply.once import (
    create_trigger_once,
    create_workflow_once,
    delete_trigger_once,
    delete_workflow_once,
)
from orchctl.apply.reads import all_triggers, all_workflows
from orchctl.apply.shadow import ShadowReport, render_shadow
from orchctl.apply.steps import Step, StepKind
from orchctl.plan.compare import same, trigger_body, workflow_body
from orchctl.plan.model import Action, Desired, DesiredTrigger, Plan

T = TypeVar("T")
STEP_ATTEMPTS = 5  # a step's call answered with a definite transient error is sent again
# Definite answers that say the write did not happen and may succeed later (the client has
# already retried each within its own budget): a 5xx answer, a 429 after the last retry,
# a request that never left (connect error). Never OutcomeUnknown: once.py owns that.
TRANSIENT = (ServerError, RateLimited, TransportError)


def backoff(attempt: int) -> float:
    """Full jitter, capped: 0.05 s, 0.1 s, 0.2 s, ... at most 2 s."""
    return random.uniform(0, min(2.0, 0.05 * 2**attempt))


class ShadowTester(Protocol):
    """`orchctl.apply.shadow.run_shadow_tests`: a trigger's tests through a shadow copy of
    the spec apply will send; the report's ``ok`` and its lines (``render_shadow``)."""

    def __call__(
        self,
        client: OrchestrationClient,
        trigger_definition: Any,
        trigger_body: TriggerSpec,
        workflow_id: str,
    ) -> ShadowReport: ...


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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sleep = sleep
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
                self._delete_trigger(trigger_id)  # 404 is done
            return StepResult(deleted=step.ids)
        if kind is StepKind.DELETE_WORKFLOW:
            for workflow_id in step.ids:
                self._delete_workflow(workflow_id)  # 404 is done
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
        stack_name = self.namer(step.name)
        body = workflow_body(wanted.stages)

        def found() -> Workflow | None:
            matches = [
                w
                for w in all_workflows(self.client)
                if w.id not in self.known
                and w.name == stack_name
                and same(workflow_body(w.config.stages), body)
            ]
            return min(
                matches, key=lambda w: (w.created_at is None, w.created_at, w.id), default=None
            )

        created = self._create(
            lambda: create_workflow_once(self.client, stack_name, wanted.stages, self.known),
            found,
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

    def _create(self, create: Callable[[], T], found: Callable[[], T | None]) -> T:
        """A create, sent again after a definite transient error, each time after a re-read
        found no copy of it (a 5xx answer means the write did not happen; the re-read makes
        sure)."""
        for attempt in range(1, STEP_ATTEMPTS + 1):
            try:
                return create()
            except TRANSIENT:
                if attempt == STEP_ATTEMPTS:
                    raise
            self.sleep(backoff(attempt))
            existing = self._call(found)
            if existing is not None:
                return existing
        raise AssertionError("unreachable")

    def _call(self, fn: Callable[[], T]) -> T:
        """A read or a delete (both safe to repeat), sent again after a transient error."""
        for attempt in range(1, STEP_ATTEMPTS + 1):
            try:
                return fn()
            except TRANSIENT:
                if attempt == STEP_ATTEMPTS:
                    raise
            self.sleep(backoff(attempt))
        raise AssertionError("unreachable")

    def _create_trigger_spec(self, spec: TriggerSpec) -> Trigger:
        wanted = trigger_body(spec.event, spec.filter, spec.vars, spec.version)
        unversioned = trigger_body(spec.event, spec.filter, spec.vars, None)

        def same_trigger(t: Trigger) -> bool:
            body = trigger_body(t.event, t.filter, t.vars, t.version)
            return same(body, wanted) or (t.version is None and same(body, unversioned))

        def found() -> Trigger | None:
            matches = [
                t
                for t in all_triggers(self.client)
                if t.id not in self.known
                and t.name == (spec.name or "")
                and t.workflow_id == spec.workflow_id
                and same_trigger(t)
            ]
            return min(
                matches, key=lambda t: (t.created_at is None, t.created_at, t.id), default=None
            )

        return self._create(lambda: create_trigger_once(self.client, spec, self.known), found)

    def _delete_trigger(self, trigger_id: str) -> None:
        self._call(lambda: delete_trigger_once(self.client, trigger_id))

    def _delete_workflow(self, workflow_id: str) -> None:
        self._call(lambda: delete_workflow_once(self.client, workflow_id))

    def _create_trigger(self, name: str) -> Trigger:
        wanted = self.triggers[name]
        created = self._create_trigger_spec(self.spec(wanted))
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
                self._delete_trigger(old)
            created = self._create_trigger_spec(spec)
        else:
            created = self._create_trigger_spec(spec)
            for old in step.ids:
                self._delete_trigger(old)
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
        # a test with `links:` feeds link() from the test itself; the stack would GET the
        # link's uri instead, so such tests are judged offline only (`orchctl test` ran them)
        on_stack = tuple(t for t in definition.tests if not getattr(t, "links", None))
        offline_only = len(definition.tests) - len(on_stack)
        if not on_stack:
            return StepResult(detail={"tests": 0, "offline_only": offline_only})
        spec = self.spec(wanted)
        report = self.shadow(
            self.client, dataclasses.replace(definition, tests=on_stack), spec, spec.workflow_id
        )
        lines = render_shadow(report)
        if report.disagreements or not report.ok:
            with self.state.lock:
                self.state.shadow_failures[step.name] = lines
        if not report.ok:
            n = len(report.failed)
            raise StepFailed(
                f"{n} test{'s' if n != 1 else ''} of trigger {step.name} failed on the stack "
                "(shadow trigger); no live trigger was touched"
            )
        return StepResult(detail={"tests": len(report.results), "offline_only": offline_only})
