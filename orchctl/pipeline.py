"""One pipeline for plan, drift and apply: load -> validate -> read live -> plan.

The commands are faces of it: `plan` renders the result, `drift` derives a report from it,
`apply` executes it with the client still open. Loading and validating (which print
diagnostics) stay in `cli/common.py`; this module never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from orchctl.api import LiveState, OrchestrationClient, Trigger, Workflow
from orchctl.apply.facts import StackFacts, current_facts
from orchctl.apply.lock import Holder, current_holder, is_lock_object
from orchctl.apply.shadow import find_leftover_shadows, is_shadow
from orchctl.definitions.loader import LoadedProject
from orchctl.errors import OrchctlError
from orchctl.plan.desired import desired_from_project
from orchctl.plan.model import Desired, Plan
from orchctl.plan.planner import Bodies, PlanOptions, make_plan
from orchctl.stack import StackOptions, Target, open_stack


@dataclass(frozen=True)
class PlanRequest:
    """What the user asked for (None: the project's default)."""

    prune: bool | None = None
    force: bool = False
    allow_empty: bool = False


DRIFT = PlanRequest(prune=False, allow_empty=True)  # drift never deletes; reports orphans


@dataclass(frozen=True)
class LiveView:
    """The live state as the planner sees it (no lock object, no shadow trigger), and what
    was taken out."""

    state: LiveState
    lock_holder: Holder | None = None  # someone holds (or is taking) the apply lock
    shadows: tuple[Trigger, ...] = ()  # shadow triggers an interrupted apply left behind
    shadow_workflows: tuple[Workflow, ...] = ()  # and temporary workflows


@dataclass(frozen=True)
class Planned:
    project: LoadedProject
    desired: Desired
    options: PlanOptions
    live: LiveState  # as the planner saw it
    plan: Plan
    target: Target
    lock_holder: Holder | None = None
    shadows: tuple[Trigger, ...] = ()
    shadow_workflows: tuple[Workflow, ...] = ()
    unversioned: tuple[str, ...] = ()  # triggers whose `version` the server cannot keep


def plan_options(project: LoadedProject, request: PlanRequest) -> PlanOptions:
    config = project.config
    prune = config.prune if request.prune is None else request.prune
    if prune and not config.namespace:
        raise OrchctlError(
            "--prune needs a namespace: without one orchctl cannot tell its objects apart",
            hint="set `namespace:` in orchctl.yaml",
        )
    return PlanOptions(
        environment=project.environment.name,
        namespace=config.namespace,
        prune=prune,
        force=request.force,
        allow_empty=request.allow_empty,
    )


def read_live(client: OrchestrationClient, environment: str, namespace: str | None) -> LiveView:
    """Every workflow and trigger of the stack, lock objects and shadows set apart."""
    return split_live(client.list_all(), environment, namespace)


def split_live(live: LiveState, environment: str, namespace: str | None) -> LiveView:
    """Lock objects and shadows (of any namespace) are never planned over; the shadows of
    this namespace are leftovers of an interrupted apply, for the next apply to delete."""
    holder = current_holder(live, environment, namespace)
    leftovers = find_leftover_shadows(live, namespace)
    state = LiveState(
        workflows=tuple(w for w in live.workflows if not is_lock_object(w) and not is_shadow(w)),
        triggers=tuple(t for t in live.triggers if not is_shadow(t)),
    )
    return LiveView(state, holder, leftovers.triggers, leftovers.workflows)


def plan_with(
    client: OrchestrationClient,
    target: Target,
    project: LoadedProject,
    request: PlanRequest,
    *,
    desired: Desired | None = None,
) -> Planned:
    """Read the stack through an open client and plan the project against it."""
    facts = current_facts(client, project.config.root, project.environment.name)
    return plan_live(project, request, client.list_all(), target, facts, desired=desired)


def plan_live(
    project: LoadedProject,
    request: PlanRequest,
    live: LiveState,
    target: Target,
    facts: StackFacts,
    *,
    desired: Desired | None = None,
    bodies: Bodies | None = None,
) -> Planned:
    """Plan the project against a live state already read (see orchctl.prefetch), with the
    facts apply learned of that stack (`orchctl.apply.facts`); `bodies`: of `desired`, made
    ahead (planner.Bodies)."""
    options = plan_options(project, request)
    wanted = desired if desired is not None else desired_from_project(project)
    unversioned: tuple[str, ...] = ()
    if not facts.trigger_versions:
        options = replace(options, trigger_versions=False)
        unversioned = tuple(t.name for t in wanted.triggers if t.version is not None)
    view = split_live(live, options.environment, options.namespace)
    plan = make_plan(wanted, view.state, options, bodies)
    return Planned(
        project,
        wanted,
        options,
        view.state,
        plan,
        target,
        view.lock_holder,
        view.shadows,
        view.shadow_workflows,
        unversioned,
    )


@contextmanager
def opened(
    project: LoadedProject,
    stack: StackOptions,
    *,
    warn: Callable[[str], None] | None = None,
    announce: Callable[[Target], None] | None = None,
) -> Iterator[tuple[OrchestrationClient, Target]]:
    """The selected environment's stack, open."""
    with open_stack(project.config.root, project.environment, stack, warn=warn) as (
        client,
        target,
    ):
        if announce is not None:
            announce(target)
        yield client, target


def plan_project(
    project: LoadedProject,
    request: PlanRequest,
    stack: StackOptions,
    *,
    warn: Callable[[str], None] | None = None,
    announce: Callable[[Target], None] | None = None,
) -> Planned:
    """Open the stack, read it, plan, close."""
    plan_options(project, request)  # a bad request fails before the stack is opened
    with opened(project, stack, warn=warn, announce=announce) as (client, target):
        return plan_with(client, target, project, request)
