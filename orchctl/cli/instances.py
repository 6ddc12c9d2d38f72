"""`orchctl instances list|show|history|send-event|abort`: the runs of workflows."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from orchctl.cli.common import stack_options, to_stack_options
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import Live, connect, echo_json, output_option, table
from orchctl.errors import UsageError

if TYPE_CHECKING:
    from orchctl.api import Instance, InstanceHistory, StageHistory, Workflow
    from orchctl.api.models import StageStatus

T = TypeVar("T")

Outcome = Literal["running", "succeeded", "failed", "aborted"]
CANCELED = "canceled"  # the error Formance records on an aborted run


def outcome(instance: Instance) -> Outcome:
    if not instance.terminated:
        return "running"
    if instance.error == CANCELED:
        return "aborted"
    return "failed" if instance.error else "succeeded"


def ended_line(instance: Instance) -> str:
    """How a waited run ended, in one line."""
    state = outcome(instance)
    if state == "running":
        return (
            f"Run {instance.id} is still running; stopped waiting "
            f"(`orchctl instances show {instance.id}` follows it)"
        )
    took = ""
    if instance.created_at and instance.terminated_at:
        took = f" in {(instance.terminated_at - instance.created_at).total_seconds():.1f}s"
    if state == "succeeded":
        return f"Run {instance.id} succeeded{took}."
    failed = [s for s in instance.status if s.error]
    at = f" at stage {failed[-1].stage}" if failed else ""
    return f"Run {instance.id} {state}{at}{took}: {instance.error}"


def _stage_outcome(status: StageStatus) -> str:
    if status.terminated_at is None:
        return "running"
    if status.error == CANCELED:
        return "aborted"
    return "failed" if status.error else "succeeded"


def _stage_type(workflow: Workflow | None, index: int) -> str:
    if workflow is None or index >= len(workflow.config.stages):
        return "?"
    stage = workflow.config.stages[index]
    return next(iter(stage), "?") if isinstance(stage, Mapping) else "?"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


@click.group(short_help="Runs of workflows: list, show, history, send-event, abort.")
def instances() -> None:
    """Runs of workflows, by workflow NAME or instance id."""


@instances.command("list", short_help="Every run, all pages.")
@click.option("--workflow", "workflow_ref", help="Only runs of this workflow (name or id).")
@click.option("--running", is_flag=True, help="Only runs that have not ended.")
@output_option
@stack_options
@click.pass_obj
def list_(
    opts: GlobalOptions,
    workflow_ref: str | None,
    running: bool,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Every run (all pages), oldest first. Runs of deleted workflows are not listed by the
    server."""
    from orchctl.resolve import format_time, resolve_workflow

    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        workflows = live.client.list_workflows()
        names = {w.id: _shown(live, w) for w in workflows}
        workflow_id = None
        if workflow_ref is not None:
            target = resolve_workflow(live.client, live.namer, workflow_ref, live.where, workflows)
            workflow_id = target.id
            names.setdefault(target.id, _shown(live, target))
        found = live.client.list_instances(workflow_id, running=True if running else None)
    if output == "json":
        echo_json("instances", [_instance_json(i, names.get(i.workflow_id)) for i in found])
        return 0
    if not found:
        click.echo("No runs" + (" running." if running else "."))
        return 0
    rows = [
        [
            i.id,
            names.get(i.workflow_id, i.workflow_id),
            outcome(i),
            format_time(i.created_at),
            format_time(i.terminated_at) if i.terminated else "-",
        ]
        for i in found
    ]
    for line in table(rows, ["ID", "WORKFLOW", "STATUS", "STARTED", "ENDED"]):
        click.echo(line)
    click.echo(f"{len(found)} run{'s' if len(found) != 1 else ''}")
    return 0


@instances.command("show", short_help="One run and its stages.")
@click.argument("instance")
@output_option
@stack_options
@click.pass_obj
def show(
    opts: GlobalOptions,
    instance: str,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """One run: its workflow, status, start and end, error, and each stage's status."""
    from orchctl.resolve import format_time, instance_id

    ref = instance_id(instance)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        found = _get_instance(live, ref)
        workflow = found.workflow or _workflow_or_none(live, found.workflow_id)
        shown = _shown(live, workflow) if workflow else None
    if output == "json":
        doc = _instance_json(found, shown)
        doc["stages"] = [
            {
                "stage": s.stage,
                "type": _stage_type(workflow, s.stage),
                "status": _stage_outcome(s),
                "started_at": format_time(s.started_at),
                "ended_at": format_time(s.terminated_at) if s.terminated_at else None,
                "error": s.error,
            }
            for s in found.status
        ]
        echo_json("instance", doc)
        return 0
    name = f"{shown} ({found.workflow_id})" if shown else found.workflow_id
    lines = [
        f"Instance {found.id}",
        f"  workflow: {name}",
        f"  status:   {outcome(found)}",
        f"  started:  {format_time(found.created_at)}",
        f"  ended:    {format_time(found.terminated_at) if found.terminated else '-'}",
    ]
    if found.error:
        lines.append(f"  error:    {found.error}")
    total = len(workflow.config.stages) if workflow else len(found.status)
    lines.append(f"  stages ({len(found.status)} of {total} started):")
    rows = [
        [
            str(s.stage),
            _stage_type(workflow, s.stage),
            _stage_outcome(s),
            format_time(s.started_at),
            format_time(s.terminated_at),
            s.error or "",
        ]
        for s in found.status
    ]
    lines.extend(
        "    " + r for r in table(rows, ["#", "TYPE", "STATUS", "STARTED", "ENDED", "ERROR"])
    )
    for line in lines:
        click.echo(line.rstrip())
    return 0


@instances.command("history", short_help="What a run did, per stage or per activity.")
@click.argument("instance")
@click.option("--stage", type=click.IntRange(min=0), help="The activities of stage N (from 0).")
@output_option
@stack_options
@click.pass_obj
def history(
    opts: GlobalOptions,
    instance: str,
    stage: int | None,
    output: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """What a run did, stage by stage; with --stage N, the activities of one stage."""
    from orchctl.resolve import instance_id

    ref = instance_id(instance)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        if stage is None:
            stages = _call(live, ref, lambda: live.client.get_instance_history(ref))
            if output == "json":
                echo_json("history", [_history_json(i, h) for i, h in enumerate(stages)])
                return 0
            _print_history(stages)
            return 0
        activities = _call(
            live, ref, lambda: live.client.get_instance_stage_history(ref, stage), stage
        )
    if output == "json":
        echo_json("stage_history", [_activity_json(a) for a in activities])
        return 0
    _print_activities(stage, activities)
    return 0


def _print_history(stages: list[InstanceHistory]) -> None:
    from orchctl.resolve import format_time

    if not stages:
        click.echo("No stage has started.")
        return
    for index, entry in enumerate(stages):
        state = "running" if not entry.terminated else ("failed" if entry.error else "succeeded")
        click.echo(
            f"{index}  {entry.name}  {state}  {format_time(entry.started_at)} -> "
            f"{format_time(entry.terminated_at) if entry.terminated else '-'}"
        )
        click.echo(f"   input: {_compact(dict(entry.input))}")
        if entry.error:
            click.echo(f"   error: {entry.error}")


def _print_activities(stage: int, activities: list[StageHistory]) -> None:
    from orchctl.resolve import format_time

    if not activities:
        click.echo(
            f"Stage {stage} has no activity (not started, past the last stage, or none needed)."
        )
        return
    for activity in activities:
        state = (
            "running" if not activity.terminated else ("failed" if activity.error else "succeeded")
        )
        click.echo(
            f"{activity.name}  {state}  attempt {activity.attempt}  "
            f"{format_time(activity.started_at)} -> "
            f"{format_time(activity.terminated_at) if activity.terminated else '-'}"
        )
        click.echo(f"   input: {_compact(dict(activity.input))}")
        if activity.output is not None:
            click.echo(f"   output: {_compact(dict(activity.output))}")
        if activity.error:
            click.echo(f"   error: {activity.error}")
        if activity.last_failure:
            click.echo(f"   last failure: {activity.last_failure}")
        if activity.next_execution:
            click.echo(f"   next attempt: {format_time(activity.next_execution)}")


@instances.command("send-event", short_help="Send an event to a waiting run.")
@click.argument("instance")
@click.argument("event")
@stack_options
@click.pass_obj
def send_event(
    opts: GlobalOptions,
    instance: str,
    event: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Send EVENT to a run waiting on it (a `wait_event` stage). Sent once, never retried:
    a repeat could release a second wait."""
    from orchctl.resolve import instance_id

    ref = instance_id(instance)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        found = _get_instance(live, ref)
        if found.terminated:
            raise _ended(found)
        live.client.send_event(ref, event)
    click.echo(f"Sent event {event!r} to instance {ref}.")
    return 0


@instances.command("abort", short_help="Abort a running instance.")
@click.argument("instance")
@stack_options
@click.pass_obj
def abort(
    opts: GlobalOptions,
    instance: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Abort a running instance (its error becomes `canceled`)."""
    from orchctl.resolve import instance_id

    ref = instance_id(instance)
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        found = _get_instance(live, ref)
        if found.terminated:
            click.echo(f"Instance {ref} had already ended ({outcome(found)}); nothing to abort.")
            return 0
        live.client.abort_instance(ref)
    click.echo(f"Aborted instance {ref}.")
    return 0


def _ended(instance: Instance) -> Exception:
    return UsageError(
        f"instance {instance.id} has ended ({outcome(instance)}): no event can reach it",
        hint="only a run waiting in a `wait_event` stage takes events",
    )


def _get_instance(live: Live, ref: str) -> Instance:
    return _call(live, ref, lambda: live.client.get_instance(ref))


def _call(live: Live, ref: str, fn: Callable[[], T], stage: int | None = None) -> T:
    """One read of an instance; the server's "not found" as one line."""
    from orchctl.api import NotFound
    from orchctl.resolve import NotFoundError

    try:
        return fn()
    except NotFound:
        if stage is not None:
            raise NotFoundError(
                f"instance {ref} has no stage {stage} on {live.where} (or no such instance)"
            ) from None
        raise NotFoundError(f"no instance with id {ref} on {live.where}") from None


def _workflow_or_none(live: Live, workflow_id: str) -> Workflow | None:
    from orchctl.api import NotFound

    try:
        return live.client.get_workflow(workflow_id)
    except NotFound:
        return None


def _shown(live: Live, workflow: Workflow) -> str:
    """The definition name when orchctl manages it, else the stack name."""
    plain = live.namer.plain_name(workflow.name)
    return plain or workflow.name or workflow.id


def _instance_json(instance: Instance, workflow: str | None) -> dict[str, Any]:
    from orchctl.resolve import format_time

    return {
        "id": instance.id,
        "workflow_id": instance.workflow_id,
        "workflow": workflow,
        "status": outcome(instance),
        "started_at": format_time(instance.created_at),
        "ended_at": format_time(instance.terminated_at) if instance.terminated else None,
        "error": instance.error,
    }


def _history_json(index: int, entry: InstanceHistory) -> dict[str, Any]:
    from orchctl.resolve import format_time

    return {
        "stage": index,
        "name": entry.name,
        "input": dict(entry.input),
        "terminated": entry.terminated,
        "started_at": format_time(entry.started_at),
        "ended_at": format_time(entry.terminated_at) if entry.terminated else None,
        "error": entry.error,
    }


def _activity_json(activity: StageHistory) -> dict[str, Any]:
    from orchctl.resolve import format_time

    return {
        "name": activity.name,
        "input": dict(activity.input),
        "output": dict(activity.output) if activity.output is not None else None,
        "terminated": activity.terminated,
        "attempt": activity.attempt,
        "started_at": format_time(activity.started_at),
        "ended_at": format_time(activity.terminated_at) if activity.terminated else None,
        "next_execution": format_time(activity.next_execution) if activity.next_execution else None,
        "error": activity.error,
        "last_failure": activity.last_failure,
    }
