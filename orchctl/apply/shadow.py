"""The shadow-trigger test gate: a trigger's tests run on the STACK before it goes live.

For a trigger about to be created or replaced, :func:`run_shadow_tests` creates a shadow
copy (same filter and vars, same workflow) under a private event name that no event ever
carries (``orchctl-shadow-<token>``; its name is ``orchctl-shadow-<token>:<stack name>``),
sends every test event through ``POST /v2/triggers/{id}/test``, judges each answer with
the code that judges ``orchctl test`` (:mod:`orchctl.triggertests.judge`), and deletes the
shadow whatever happens (also on Ctrl-C; a delete answered 404 is done). It also evaluates
each test offline and lists every case where the stack and orchctl's evaluator disagree:
those are loud, because a test that passes offline could then fail live, or the reverse.

A shadow left behind by a killed process is found by :func:`find_leftover_shadows` (by
name or event, only those of the caller's namespace) and removed by
:func:`remove_leftovers` while the environment's lock is held.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orchctl.api import (
    ApiError,
    LiveState,
    OrchestrationClient,
    Trigger,
    TriggerSpec,
    Workflow,
)
from orchctl.apply.once import (
    create_trigger_once,
    create_workflow_once,
    delete_trigger_once,
    delete_workflow_once,
)
from orchctl.apply.reads import all_triggers
from orchctl.triggertests.judge import (
    Observed,
    Report,
    TestResult,
    jsonify,
    judge,
    observed_on_stack,
)
from orchctl.triggertests.render import render_text
from orchctl.triggertests.runner import (
    TriggerLike,
    compile_trigger,
    evaluate_offline,
    location_of,
)

log = logging.getLogger("orchctl.apply.shadow")

SHADOW_EVENT_PREFIX = "orchctl-shadow-"
SEPARATOR = ":"  # between the shadow's token and the stack name it shadows


def is_shadow(obj: Trigger | Workflow) -> bool:
    """Whether a live trigger (by name or event) or workflow (by name) is a shadow."""
    if obj.name.startswith(SHADOW_EVENT_PREFIX):
        return True
    return isinstance(obj, Trigger) and obj.event.startswith(SHADOW_EVENT_PREFIX)


def shadowed_name(obj: Trigger | Workflow) -> str | None:
    """The stack name a shadow stands for (``orchctl-shadow-<token>:<stack name>``)."""
    if not obj.name.startswith(SHADOW_EVENT_PREFIX) or SEPARATOR not in obj.name:
        return None
    return obj.name.split(SEPARATOR, 1)[1]


@dataclass(frozen=True)
class Disagreement:
    """One field where the stack's answer differs from orchctl's evaluator."""

    test: str
    field: str  # "match", "filter" (an error on one side only) or "vars.NAME"
    stack: str
    offline: str

    def describe(self) -> str:
        return (
            f"{self.field}: the stack gives {self.stack}, orchctl's evaluator gives {self.offline}"
        )


@dataclass
class ShadowReport:
    """What the shadow of one trigger showed."""

    trigger: str
    shadow_name: str
    shadow_id: str | None = None
    deleted: bool = False
    cleanup_error: str | None = None
    results: list[TestResult] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[TestResult]:
        return [r for r in self.results if not r.passed]

    def as_report(self) -> Report:
        return Report(list(self.results))


def run_shadow_tests(
    client: OrchestrationClient,
    trigger_definition: TriggerLike,
    trigger_body: TriggerSpec,
    workflow_id: str,
) -> ShadowReport:
    """Run ``trigger_definition``'s tests on a shadow of ``trigger_body`` (what apply will
    send) pointing at ``workflow_id``; the shadow is always deleted. API errors propagate
    (after the cleanup); a test that fails is in the report, not an error."""
    token = uuid.uuid4().hex[:10]
    event = SHADOW_EVENT_PREFIX + token
    stack_name = trigger_body.name or trigger_definition.name
    report = ShadowReport(trigger=trigger_definition.name, shadow_name=_name(token, stack_name))
    tests = list(trigger_definition.tests)
    if not tests:
        return report
    spec = TriggerSpec(
        event=event,
        workflow_id=workflow_id,
        name=report.shadow_name,
        filter=trigger_body.filter,
        vars=dict(trigger_body.vars or {}),
    )
    compiled = compile_trigger(spec.filter or None, dict(spec.vars or {}))
    sent = False
    try:
        sent = True
        shadow = create_trigger_once(client, spec, known_ids=())
        report.shadow_id = shadow.id
        for test in tests:
            answer = client.test_trigger(shadow.id, jsonify(test.event))
            on_stack = observed_on_stack(answer)
            result = TestResult(
                trigger=trigger_definition.name,
                test=test.name,
                passed=False,
                matched=False,
                location=location_of(trigger_definition, test),
            )
            report.results.append(judge(result, test, spec.vars or {}, on_stack))
            if not compiled.problems:
                offline = evaluate_offline(compiled, test)
                report.disagreements.extend(_compare(test.name, on_stack, offline))
    finally:
        if sent:
            _clean_up(client, report, event)
    return report


def _clean_up(client: OrchestrationClient, report: ShadowReport, event: str) -> None:
    """Delete the shadow; when its create had no answer, find it by its private event."""
    try:
        ids = [report.shadow_id] if report.shadow_id else []
        if not ids:
            ids = [t.id for t in all_triggers(client) if t.event == event]
        for trigger_id in ids:
            delete_trigger_once(client, trigger_id)
        report.deleted = True
    except ApiError as exc:  # left for find_leftover_shadows; say so
        report.cleanup_error = str(exc)
        log.warning("could not delete the shadow trigger %s: %s", report.shadow_name, exc)


def _compare(test: str, stack: Observed, offline: Observed) -> list[Disagreement]:
    found: list[Disagreement] = []
    if stack.matched != offline.matched:
        found.append(Disagreement(test, "match", _bool(stack.matched), _bool(offline.matched)))
        return found
    if (stack.filter_error is None) != (offline.filter_error is None):
        found.append(
            Disagreement(
                test, "filter", _error_or(stack.filter_brief), _error_or(offline.filter_brief)
            )
        )
    if not stack.matched:
        return found
    for name in sorted(
        set(stack.vars) | set(stack.var_errors) | set(offline.vars) | set(offline.var_errors)
    ):
        s = _var(stack, name)
        o = _var(offline, name)
        if s != o and not (s.startswith("error") and o.startswith("error")):
            found.append(Disagreement(test, f"vars.{name}", s, o))
    return found


def _var(observed: Observed, name: str) -> str:
    if name in observed.var_errors:
        return "error: " + (observed.var_briefs.get(name) or observed.var_errors[name])
    if name in observed.vars:
        return _quote(observed.vars[name])
    return "nothing"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _error_or(brief: str | None) -> str:
    return f"error: {brief}" if brief else "no error"


def _name(token: str, stack_name: str) -> str:
    return f"{SHADOW_EVENT_PREFIX}{token}{SEPARATOR}{stack_name}"


def render_shadow(report: ShadowReport, style: Callable[..., str] | None = None) -> list[str]:
    """``orchctl test``'s lines for the stack's answers, then one loud ``DISAGREE`` line per
    difference from orchctl's evaluator, then a line if the shadow could not be deleted."""
    paint = style or (lambda text, **_: text)
    lines = render_text(report.as_report(), paint)
    summary = lines.pop()
    for d in report.disagreements:
        label = f"{report.trigger} \u203a {d.test}"
        lines.append(paint("DISAGREE", fg="yellow", bold=True) + f" {label}: {d.describe()}")
    lines.append(summary + " on the stack")
    if report.disagreements:
        n = len(report.disagreements)
        lines.append(
            paint(
                f"The stack and orchctl's evaluator disagree on {n} "
                f"{'case' if n == 1 else 'cases'}: what `orchctl test` says offline is not "
                "what this stack does; please report it with the test above",
                fg="yellow",
                bold=True,
            )
        )
    if report.cleanup_error is not None:
        lines.append(
            f"The shadow trigger {report.shadow_name} could not be deleted "
            f"({report.cleanup_error}); the next apply removes it"
        )
    return lines


# ---------------------------------------------------------------- recovery


@dataclass(frozen=True)
class Leftovers:
    triggers: tuple[Trigger, ...] = ()
    workflows: tuple[Workflow, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.triggers or self.workflows)


def find_leftover_shadows(live_state: LiveState, namespace: str | None = None) -> Leftovers:
    """Shadow triggers and temporary workflows of this namespace still on the stack (a
    killed apply or ``test --remote``). Another namespace's shadows are left alone: its
    apply may be running."""

    def ours(obj: Trigger | Workflow) -> bool:
        if not is_shadow(obj):
            return False
        stack_name = shadowed_name(obj)
        if stack_name is None:  # a shadow recognisable only by its event: no namespace known
            return namespace is None
        if namespace:
            return stack_name.startswith(namespace + "/")
        return "/" not in stack_name

    return Leftovers(
        triggers=tuple(t for t in live_state.triggers if ours(t)),
        workflows=tuple(w for w in live_state.workflows if ours(w)),
    )


def remove_leftovers(client: OrchestrationClient, leftovers: Leftovers) -> None:
    """Delete leftover shadows: triggers first, then temporary workflows (404 is done)."""
    for trigger in leftovers.triggers:
        delete_trigger_once(client, trigger.id)
    for workflow in leftovers.workflows:
        delete_workflow_once(client, workflow.id)


@contextlib.contextmanager
def temporary_workflow(
    client: OrchestrationClient,
    stack_name: str,
    stages: Any = None,
) -> Iterator[Workflow]:
    """A workflow to point a shadow at when the definition's workflow is not on the stack
    (``orchctl test --remote``): named ``orchctl-shadow-<token>:<stack_name>``, a single
    ``delay 0s`` stage by default (the test endpoint never runs it), deleted on exit."""
    token = uuid.uuid4().hex[:10]
    body: list[Mapping[str, Any]] = list(stages or [{"delay": {"duration": "0s"}}])
    workflow = create_workflow_once(client, _name(token, stack_name), body, known_ids=())
    try:
        yield workflow
    finally:
        delete_workflow_once(client, workflow.id)


__all__ = [
    "SHADOW_EVENT_PREFIX",
    "Disagreement",
    "Leftovers",
    "ShadowReport",
    "find_leftover_shadows",
    "is_shadow",
    "remove_leftovers",
    "render_shadow",
    "run_shadow_tests",
    "temporary_workflow",
]
