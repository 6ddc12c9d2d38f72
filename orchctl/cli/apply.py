"""`orchctl apply [PLANFILE]`: carry out the plan (computed now, or saved), DESIGN §5."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from orchctl.cli.change_options import change_options
from orchctl.cli.common import (
    announcer,
    load_valid_project,
    redactor,
    stack_options,
    to_stack_options,
    use_color,
    warn,
)
from orchctl.cli.context import GlobalOptions
from orchctl.cli.lock_option import lock_seconds, lock_timeout_option
from orchctl.errors import OrchctlError, UsageError

# Help screens import this module: what running needs is imported inside the functions
# (tests/cli/test_cli_help_imports.py).
if TYPE_CHECKING:
    from orchctl.pipeline import Planned

BAR_FROM = 50  # steps: on a terminal, longer applies show a bar instead of a line per step


@click.command(short_help="Apply the changes to the stack.")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@change_options
@lock_timeout_option
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one event a line (schemas/apply-events.schema.json); needs --auto-approve.",
)
@stack_options
@click.pass_obj
def apply(
    opts: GlobalOptions,
    planfile: str | None,
    auto_approve: bool,
    prune: bool | None,
    force: bool,
    allow_empty: bool,
    lock_timeout: str,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Validate, run the offline trigger tests, take the environment's lock, and carry out
    the plan: new workflow versions, shadow tests of changed triggers on the stack, trigger
    creates and swaps, deletions. A saved PLANFILE is applied only if it is still what
    planning now gives.

    Exit status: 0 applied (or nothing to do), 1 error or failure.
    """
    from orchctl.apply.engine import apply_project
    from orchctl.apply.shadow import run_shadow_tests
    from orchctl.pipeline import PlanRequest, opened, plan_options
    from orchctl.plan.planfile import load_plan
    from orchctl.render.text import render_text
    from orchctl.triggertests import render_text as render_tests
    from orchctl.triggertests import run_trigger_tests

    timeout = lock_seconds(lock_timeout)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not auto_approve and (output == "json" or not interactive):
        raise UsageError(
            "refusing to apply without confirmation: "
            + (
                "-o json cannot ask" if output == "json" else "not a terminal, so nobody can answer"
            ),
            hint="pass --auto-approve",
        )
    project = load_valid_project(opts)
    redact = redactor(project)
    saved = load_plan(planfile) if planfile else None
    request = PlanRequest(prune=prune, force=force, allow_empty=allow_empty)
    if saved is not None:
        flags = saved.plan.options
        request = PlanRequest(prune=flags.prune, force=flags.force, allow_empty=flags.allow_empty)
    plan_options(project, request)  # a bad request fails before anything is read
    tests = run_trigger_tests(project.triggers)
    if not tests.ok:
        for line in render_tests(tests, click.style, verbose=opts.verbose > 0):
            click.echo(line, err=True)
        raise OrchctlError(
            "the trigger tests fail offline; nothing was read from or written to the stack",
            hint="run `orchctl test`",
        )
    text = output == "text"
    emit = _printer(text, use_color(opts), redact)
    # steps in flight at once; the client gets one slot more, for the lock's renewals, so a
    # swap's second call never waits for a slot
    steps_at_once = _parallelism(parallelism, project.environment.settings)
    stack = to_stack_options(ca_bundle, insecure, steps_at_once + 1)
    color = use_color(opts)

    def before(planned: Planned) -> None:
        plan = planned.plan
        nothing = not plan.has_changes and not planned.shadows and not planned.shadow_workflows
        if text and nothing:
            click.echo("No changes. The stack matches the repository.")
        elif text:
            click.echo(render_text(plan, color=color, redact=redact), color=color)
            if planned.shadows:
                n = len(planned.shadows)
                click.echo(f"{n} leftover shadow trigger{'s' if n != 1 else ''} will be deleted.")
        confirmed = nothing or auto_approve
        if not confirmed and not click.confirm("\nApply these changes?", default=False):
            raise OrchctlError("apply cancelled; nothing was written")

    with opened(project, stack, warn=warn, announce=announcer(text)) as (client, target):
        report = apply_project(
            client,
            target,
            project,
            request,
            saved=saved,
            lock_timeout=timeout,
            parallelism=steps_at_once,
            emit=emit,
            before=before,
            shadow=run_shadow_tests,
            state_dir=project.config.root,
        )
    if report.unversioned:
        warn(
            "the server predates trigger versions: it dropped `version` of "
            + ", ".join(report.unversioned)
            + "; remove `version` from those definitions"
        )
    if not report.ok:
        raise OrchctlError(
            "the apply stopped; .orchctl/last-apply.json lists what was done, what failed and "
            "what was not started",
            hint="fix the cause and run `orchctl apply` again: it picks up where this one stopped",
        )
    return 0


def _parallelism(option: int | None, settings: Mapping[str, Any]) -> int:
    from orchctl.apply.executor import DEFAULT_PARALLELISM

    if option is not None:
        return option
    configured = settings.get("parallelism")
    if isinstance(configured, int) and not isinstance(configured, bool) and configured >= 1:
        return configured
    return DEFAULT_PARALLELISM


def _printer(
    text: bool, color: bool, redact: Callable[[Any], Any]
) -> Callable[[dict[str, Any]], None]:
    from orchctl.render import apply as words

    state = {"total": 0, "done": 0, "bar": False}

    def emit(event: dict[str, Any]) -> None:
        event = redact(event)
        if not text:
            click.echo(json.dumps(event, ensure_ascii=False))
            return
        kind = event["type"]
        if kind == "apply_start":
            state["total"] = event["steps"]
            state["bar"] = sys.stderr.isatty() and event["steps"] >= BAR_FROM
            click.echo("")
        elif kind in ("step_complete", "step_errored"):
            state["done"] += 1
            line = words.step_line(event)
            if state["bar"] and kind == "step_complete":
                _bar(state["done"], state["total"])
            elif line is not None:
                if state["bar"]:
                    click.echo("\r\033[K", nl=False, err=True)
                styled = click.style(line, fg="red") if kind == "step_errored" and color else line
                click.echo(styled, color=color)
        elif kind == "swap_window":
            click.echo(words.swap_line(event))
        elif kind == "change_summary":
            if state["bar"]:
                click.echo("", err=True)
            for line in words.failure_lines(event):
                click.echo(line)
            click.echo(
                click.style(words.summary_line(event), bold=True)
                if color
                else words.summary_line(event),
                color=color,
            )

    return emit


def _bar(done: int, total: int, width: int = 30) -> None:
    filled = width * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    click.echo(f"\r  [{bar}] {done}/{total} steps", nl=False, err=True)
