"""One pipeline for plan, drift and apply: load -> validate -> read live -> plan.

The commands are faces of it: `plan` renders the result, `drift` derives a report from it,
`apply` executes it with the client still open. Loading and validating (which print
diagnostics) stay in `cli/common.py`; this module never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from orchctl.api import LiveState, OrchestrationClient
from orchctl.definitions.loader import LoadedProject
from orchctl.errors import OrchctlError
from orchctl.plan.desired import desired_from_project
from orchctl.plan.model import Desired, Plan
from orchctl.plan.planner import PlanOptions, make_plan
from orchctl.stack import StackOptions, Target, open_stack


@dataclass(frozen=True)
class PlanRequest:
    """What the user asked for (None: the project's default)."""

    prune: bool | None = None
    force: bool = False
    allow_empty: bool = False


DRIFT = PlanRequest(prune=False, allow_empty=True)  # drift never deletes; reports orphans


@dataclass(frozen=True)
class Planned:
    project: LoadedProject
    desired: Desired
    options: PlanOptions
    live: LiveState  # as the planner saw it
    plan: Plan
    target: Target


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


def read_live(client: OrchestrationClient) -> LiveState:
    """Every workflow and trigger of the stack."""
    return client.list_all()


def plan_with(
    client: OrchestrationClient,
    target: Target,
    project: LoadedProject,
    request: PlanRequest,
    *,
    desired: Desired | None = None,
) -> Planned:
    """Read the stack through an open client and plan the project against it."""
    options = plan_options(project, request)
    wanted = desired if desired is not None else desired_from_project(project)
    live = read_live(client)
    return Planned(project, wanted, options, live, make_plan(wanted, live, options), target)


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
