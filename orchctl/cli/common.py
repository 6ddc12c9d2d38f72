"""Pieces shared by the commands that talk to a stack."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from orchctl.cli.context import GlobalOptions
from orchctl.cli.ending import keep

# Help screens import the command modules and this one: what a command needs to run is
# imported inside the function that needs it (tests/cli/test_cli_help_imports.py).
if TYPE_CHECKING:
    from orchctl.definitions.loader import LoadedProject
    from orchctl.diagnostics import Diagnostic
    from orchctl.pipeline import Planned, PlanRequest
    from orchctl.stack import StackOptions, Target

F = TypeVar("F", bound=Callable[..., Any])


def stack_options(command: F) -> F:
    """--ca-bundle, --insecure, --parallelism."""
    command = click.option(
        "--parallelism",
        type=click.IntRange(1, 64),
        default=None,
        help="Calls in flight at once (default 8, or the environment's `parallelism`).",
    )(command)
    command = click.option(
        "--insecure",
        is_flag=True,
        default=None,
        help="Skip TLS certificate verification (warned about on every run).",
    )(command)
    command = click.option(
        "--ca-bundle",
        type=click.Path(dir_okay=False, exists=True),
        default=None,
        help="PEM file of certificate authorities to trust.",
    )(command)
    return command


def to_stack_options(
    ca_bundle: str | None, insecure: bool | None, parallelism: int | None
) -> StackOptions:
    from orchctl.stack import StackOptions

    return StackOptions(ca_bundle=ca_bundle, insecure=insecure or None, parallelism=parallelism)


def use_color(opts: GlobalOptions) -> bool:
    """Color only on a terminal, never with --no-color or NO_COLOR."""
    return opts.color is not False and sys.stdout.isatty()


def warn(message: str) -> None:
    click.echo(click.style("warning: ", fg="yellow") + message, err=True)


def load_and_check(opts: GlobalOptions) -> tuple[LoadedProject, list[Diagnostic]]:
    """The project and every problem of it, sorted. What loading and checking built is
    frozen out of the cyclic collector's reach (this process ends soon; see
    loader.cyclic_gc_paused)."""
    from orchctl.definitions.loader import cyclic_gc_paused, load_project
    from orchctl.diagnostics import sort_diagnostics
    from orchctl.validation.checks import check_project

    with cyclic_gc_paused(freeze=True):
        project = load_project(opts.directory, opts.env_name)
        keep(project)
        return project, sort_diagnostics(check_project(project))


def load_valid_project(
    opts: GlobalOptions, *, stopped: str = "nothing was read from or written to the stack"
) -> LoadedProject:
    """Load and validate; invalid definitions stop the command with their diagnostics
    (`stopped` says what did not happen); warnings are counted on stderr, listed with -v."""
    from orchctl.diagnostics import InvalidDefinitions, summary_line

    project, diagnostics = load_and_check(opts)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        for diagnostic in errors:
            click.echo(diagnostic.render(), err=True)
        what = (
            "orchctl.yaml is invalid" if project.config_invalid else "the definitions are invalid"
        )
        raise InvalidDefinitions(
            f"{what} ({summary_line(diagnostics)}); {stopped}",
            errors,
            environment=project.environment.name,
            namespace=project.config.namespace,
        )
    if diagnostics and opts.verbose:
        for diagnostic in diagnostics:
            click.echo(diagnostic.render(), err=True)
    elif diagnostics:
        n = len(diagnostics)
        click.echo(
            f"{n} warning{'s' if n != 1 else ''} in the definitions (`orchctl validate` "
            "lists them)",
            err=True,
        )
    return project


def announcer(enabled: bool) -> Callable[[Target], None] | None:
    """Says on stderr which stack is read (text output only)."""
    if not enabled:
        return None
    return lambda target: click.echo(f"Reading {target.describe()}...", err=True)


def say_what_planning_left_out(planned: Planned) -> None:
    """plan and drift: a held lock, leftover shadow triggers and ignored versions, on stderr
    (they are not changes of the repository, and stdout stays the plan)."""
    holder = planned.lock_holder
    if holder is not None:
        state = "locked" if holder.held else "being locked"
        click.echo(
            f"note: environment {planned.options.environment} is {state} by "
            f"{holder.describe()} since {holder.since_text()} (lock {holder.lock_id}): an "
            "apply is running, so the stack may be changing",
            err=True,
        )
    if planned.shadows:
        n = len(planned.shadows)
        ids = ", ".join(t.id for t in planned.shadows)
        click.echo(
            f"note: {n} leftover shadow trigger{'s' if n != 1 else ''} of an interrupted apply "
            f"({ids}); the next `orchctl apply` deletes {'them' if n != 1 else 'it'}",
            err=True,
        )
    if planned.unversioned:
        click.echo(
            "note: the server predates trigger versions (learned by `orchctl apply`): the "
            f"`version` of {', '.join(planned.unversioned)} is not compared; remove it",
            err=True,
        )


def redactor(project: LoadedProject) -> Callable[[Any], Any]:
    """Masks the values of the environment's sensitive parameters."""
    from orchctl.definitions.params import sensitive_values
    from orchctl.render.redact import make_redactor

    return make_redactor(sensitive_values(project.environment, os.environ))


def plan_reading_ahead(
    opts: GlobalOptions, request: PlanRequest, stack: StackOptions, *, announce: bool
) -> tuple[LoadedProject, Planned]:
    """Load, validate and plan, the stack read while the definitions load (orchctl.prefetch).
    Invalid definitions still stop the command before anything is planned or written.
    Once loaded, the project is kept out of the cyclic garbage collector's reach (frozen):
    it is acyclic, freed by reference counting, and every full collection while reading
    and planning would scan it again (a tenth of planning 10,000 + 10,000)."""
    return _plan_reading_ahead(opts, request, stack, announce=announce)


def _plan_reading_ahead(
    opts: GlobalOptions, request: PlanRequest, stack: StackOptions, *, announce: bool
) -> tuple[LoadedProject, Planned]:
    from orchctl.pipeline import plan_live, plan_options, plan_project
    from orchctl.plan.desired import desired_from_project
    from orchctl.prefetch import LivePrefetch

    prefetch = LivePrefetch.start(opts.directory, opts.env_name, stack)
    if prefetch is None:
        project = load_valid_project(opts)
        gc.freeze()
        try:
            planned = plan_project(project, request, stack, warn=warn, announce=announcer(announce))
            keep(planned)
        finally:
            gc.unfreeze()
        return project, planned
    project = load_valid_project(opts, stopped="nothing was written to the stack")
    gc.freeze()
    try:
        plan_options(project, request)  # a bad request fails before the stack is used
        desired = desired_from_project(project)
        bodies = prefetch.bodies.add_desired(desired)  # while the stack may still be read
        live, target, facts = prefetch.result(warn=warn, announce=announcer(announce))
        planned = plan_live(project, request, live, target, facts, desired=desired, bodies=bodies)
        keep(planned, live, bodies)
        return project, planned
    finally:
        gc.unfreeze()
