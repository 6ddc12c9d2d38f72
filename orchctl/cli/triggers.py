"""`orchctl triggers list|show|occurrences|test`: the live triggers, by name."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from orchctl.cli.common import stack_options, to_stack_options, warn
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import Live, connect, echo_json, output_option, table
from orchctl.errors import UsageError

if TYPE_CHECKING:
    from orchctl.api import Trigger, TriggerTestResult, Workflow
    from orchctl.triggertests import TestResult


@click.group(short_help="Live triggers: list, show, occurrences, test.")
def triggers() -> None:
    """The live triggers of the stack, by NAME (definition or stack name) or id."""


def _defined(opts: GlobalOptions) -> set[str]:
    """Trigger names of the repository (what `managed` means without a namespace)."""
    from orchctl.definitions.loader import load_project

    return {t.name for t in load_project(opts.directory, opts.env_name).triggers}


def _status(live: Live, trigger: Trigger, defined: set[str], workflows: dict[str, Workflow]) -> str:
    plain = live.namer.plain_name(trigger.name)
    managed = plain is not None and (live.config.namespace is not None or plain in defined)
    marks = ["managed" if managed else "unmanaged"]
    if trigger.workflow_id not in workflows:
        marks.append("dangling")
    return ",".join(marks)


def _shown(live: Live, name: str) -> str:
    return live.namer.plain_name(name) or name or '""'


def _workflow_name(live: Live, trigger: Trigger, workflows: dict[str, Workflow]) -> str:
    workflow = workflows.get(trigger.workflow_id)
    if workflow is None:
        return f"{trigger.workflow_id} (missing or deleted)"
    return _shown(live, workflow.name)


def _trigger_json(
    live: Live, trigger: Trigger, status: str, workflows: dict[str, Workflow]
) -> dict[str, Any]:
    from orchctl.resolve import format_time

    workflow = workflows.get(trigger.workflow_id)
    return {
        "id": trigger.id,
        "name": live.namer.plain_name(trigger.name) or trigger.name,
        "stack_name": trigger.name,
        "managed": status.startswith("managed"),
        "dangling": "dangling" in status,
        "event": trigger.event,
        "version": trigger.version,
        "filter": trigger.filter,
        "vars": dict(trigger.vars),
        "workflow_id": trigger.workflow_id,
        "workflow": _shown(live, workflow.name) if workflow else None,
        "created_at": format_time(trigger.created_at),
    }


@triggers.command("list", short_help="Every live trigger, managed / unmanaged / dangling.")
@output_option
@stack_options
@click.pass_obj
def list_(
    opts: GlobalOptions,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Every live trigger (all pages, not fctl's 15), marked managed or unmanaged, and
    dangling when its workflow is missing or deleted (it still fires)."""
    from orchctl.resolve import format_time

    defined = _defined(opts)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        state = live.client.list_all()
    workflows = {w.id: w for w in state.workflows}
    listed = [(t, _status(live, t, defined, workflows)) for t in state.triggers]
    if output == "json":
        echo_json("triggers", [_trigger_json(live, t, s, workflows) for t, s in listed])
        return 0
    if not listed:
        click.echo(f"No triggers on {live.where}.")
        return 0
    rows = [
        [
            _shown(live, t.name),
            s,
            t.event + (f"@{t.version}" if t.version else ""),
            _workflow_name(live, t, workflows),
            t.id,
            format_time(t.created_at),
        ]
        for t, s in listed
    ]
    for line in table(rows, ["NAME", "STATUS", "EVENT", "WORKFLOW", "ID", "CREATED"]):
        click.echo(line)
    dangling = sum(1 for _, s in listed if "dangling" in s)
    unmanaged = sum(1 for _, s in listed if s.startswith("unmanaged"))
    click.echo(
        f"{len(listed)} trigger{'s' if len(listed) != 1 else ''} "
        f"({len(listed) - unmanaged} managed, {unmanaged} unmanaged, {dangling} dangling)"
    )
    return 0


@triggers.command("show", short_help="One live trigger.")
@click.argument("name")
@output_option
@stack_options
@click.pass_obj
def show(
    opts: GlobalOptions,
    name: str,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """One live trigger: its event, filter, vars and workflow."""
    from orchctl.resolve import format_time, resolve_trigger

    defined = _defined(opts)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        state = live.client.list_all()
        trigger = resolve_trigger(live.client, live.namer, name, live.where, state.triggers)
    workflows = {w.id: w for w in state.workflows}
    status = _status(live, trigger, defined, workflows)
    if output == "json":
        echo_json("trigger", _trigger_json(live, trigger, status, workflows))
        return 0
    lines = [
        f"Trigger {_shown(live, trigger.name)} ({status})",
        f"  id:         {trigger.id}",
        f"  stack name: {trigger.name or chr(34) * 2}",
        f"  created:    {format_time(trigger.created_at)}",
        f"  event:      {trigger.event}",
    ]
    if trigger.version:
        lines.append(f"  version:    {trigger.version}")
    lines.append(
        f"  workflow:   {_workflow_name(live, trigger, workflows)} ({trigger.workflow_id})"
    )
    lines.append(f"  filter:     {trigger.filter if trigger.filter else '(none: every event)'}")
    if trigger.vars:
        lines.append("  vars:")
        lines.extend(f"    {k}: {v}" for k, v in sorted(trigger.vars.items()))
    else:
        lines.append("  vars:       (none)")
    for line in lines:
        click.echo(line)
    return 0


@triggers.command("occurrences", short_help="When a live trigger fired, and what it started.")
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the N most recent.")
@output_option
@stack_options
@click.pass_obj
def occurrences(
    opts: GlobalOptions,
    name: str,
    limit: int | None,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """When a live trigger fired (all pages, oldest first): the run it started, or the
    error that stopped it."""
    from orchctl.resolve import format_time, resolve_trigger

    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        trigger = resolve_trigger(live.client, live.namer, name, live.where)
        found = live.client.list_trigger_occurrences(trigger.id)
    total = len(found)
    if limit is not None:
        found = found[-limit:]
    if output == "json":
        echo_json(
            "occurrences",
            [
                {
                    "date": format_time(o.date),
                    "trigger_id": o.trigger_id,
                    "instance_id": o.workflow_instance_id,
                    "error": o.error,
                    "event": dict(o.event),
                }
                for o in found
            ],
        )
        return 0
    if not found:
        click.echo(f"Trigger {_shown(live, trigger.name)} has not fired.")
        return 0
    rows = [
        [
            format_time(o.date),
            o.workflow_instance_id or "-",
            _first(o.error) or "",
            _event_id(o.event),
        ]
        for o in found
    ]
    for line in table(rows, ["DATE", "INSTANCE", "ERROR", "EVENT ID"]):
        click.echo(line)
    errors = sum(1 for o in found if o.error)
    shown = f"{len(found)} of {total}" if len(found) != total else str(total)
    click.echo(f"{shown} occurrence{'s' if total != 1 else ''} ({errors} with an error)")
    return 0


def _event_id(event: Any) -> str:
    value = event.get("id") if isinstance(event, dict) else None
    return str(value) if value is not None else ""


@triggers.command("test", short_help="Test a payload against the live trigger.")
@click.argument("name")
@click.option(
    "--event",
    "event_file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The event payload, JSON or YAML (`-`: standard input).",
)
@stack_options
@click.pass_obj
def test(
    opts: GlobalOptions,
    name: str,
    event_file: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Evaluate a payload against the LIVE trigger (the stack's test endpoint: nothing
    fires), printed like `orchctl test -v`; also evaluated by orchctl's offline evaluator,
    with a loud line where the two disagree.

    Exit status: 0 evaluated, 1 an expression failed or the call failed.
    """
    from orchctl.resolve import resolve_trigger
    from orchctl.triggertests import Report, render_text

    label = "stdin" if event_file == "-" else event_file
    payload = read_event(event_file)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        trigger = resolve_trigger(live.client, live.namer, name, live.where)
        answer = live.client.test_trigger(trigger.id, payload)
    shown = _shown(live, trigger.name)
    remote = result_of(answer, shown, label)
    for line in render_text(Report([remote]), click.style, verbose=True):
        click.echo(line)
    offline = offline_result(trigger, shown, label, payload)
    found = disagreements(remote, offline)
    for line in found:
        click.echo(click.style("DISAGREE", fg="yellow", bold=True) + " " + line)
    if found:
        warn(
            "the stack and orchctl's evaluator disagree: what `orchctl test` says offline is "
            "not what this stack does; please report it with this payload"
        )
    return 0 if remote.passed else 1


def read_event(path: str) -> dict[str, Any]:
    import yaml

    label = "stdin" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{label}: cannot read the event: {exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{label}: not JSON or YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"{label}: the event payload must be a JSON object, got {type(data).__name__}"
        )
    return data


def result_of(answer: TriggerTestResult, trigger: str, label: str) -> TestResult:
    """The stack's answer as a trigger-test result (no expectations: it passes unless an
    expression failed)."""
    from orchctl.triggertests import TestResult

    result = TestResult(trigger=trigger, test=label, passed=True, matched=answer.matched)
    if answer.filter is not None and answer.filter.error:
        result.filter_error = answer.filter.error
        result.problems.append(f"filter: error: {answer.filter.error}")
    for var, outcome in sorted((answer.variables or {}).items()):
        if outcome.error:
            result.var_errors[var] = outcome.error
            result.problems.append(f"vars.{var}: error: {outcome.error}")
        else:
            result.vars[var] = outcome.value or ""
    result.passed = not result.problems
    return result


def offline_result(trigger: Trigger, shown: str, label: str, payload: dict[str, Any]) -> TestResult:
    """The same trigger's expressions through orchctl's own evaluator."""
    from orchctl.triggertests import TestCase, run_trigger_tests
    from orchctl.triggertests import TriggerSpec as OfflineTrigger

    spec = OfflineTrigger(
        name=shown,
        filter=trigger.filter or None,
        vars={k: str(v) for k, v in trigger.vars.items()},
        tests=(TestCase(name=label, event=payload),),
    )
    return run_trigger_tests([spec]).results[0]


def disagreements(remote: TestResult, offline: TestResult) -> list[str]:
    """One line per point where the stack and the offline evaluator differ, worded like
    `orchctl test --remote`'s DISAGREE lines."""
    head = f"{remote.trigger} \u203a {remote.test}"
    out: list[str] = []
    if remote.matched != offline.matched:
        out.append(
            f"{head}: match: the stack gives {_bool(remote.matched)}, orchctl's evaluator "
            f"gives {_bool(offline.matched)}"
        )
        return out
    if bool(remote.filter_error) != bool(offline.filter_error):
        out.append(
            f"{head}: filter: the stack gives {_error(remote.filter_error)}, orchctl's "
            f"evaluator gives {_error(offline.filter_error)}"
        )
    if not remote.matched:
        return out
    names = set(remote.vars) | set(remote.var_errors) | set(offline.vars) | set(offline.var_errors)
    for var in sorted(names):
        on_stack = _value(remote.vars.get(var), remote.var_errors.get(var))
        here = _value(offline.vars.get(var), offline.var_errors.get(var))
        if on_stack != here and not (on_stack.startswith("error") and here.startswith("error")):
            out.append(
                f"{head}: vars.{var}: the stack gives {on_stack}, orchctl's evaluator gives {here}"
            )
    return out


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _error(text: str | None) -> str:
    return f"error: {_first(text)}" if text else "no error"


def _value(value: str | None, error: str | None) -> str:
    if error:
        return f"error: {_first(error)}"
    if value is None:
        return "nothing"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _first(text: str | None) -> str | None:
    return text.splitlines()[0] if text else text
