"""`orchctl test --remote`: the trigger tests on the STACK, through shadow triggers.

The same gate as apply's (`orchctl/apply/shadow.py`): for each trigger with tests, a shadow
copy under a private event name that no event carries, pointing at the definition's
workflow when it is on the stack, else at a temporary workflow; every test event goes
through the stack's test endpoint and is judged like `orchctl test`; every case where the
stack and orchctl's offline evaluator disagree is a loud line. Shadows and temporary
workflows are deleted whatever happens: on failure, on an API error, and on Ctrl-C (a
second Ctrl-C during the clean-up is ignored so that the clean-up finishes).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import click

from orchctl.api import OrchestrationClient, TriggerSpec, Workflow
from orchctl.apply.lock import acquire
from orchctl.apply.once import delete_workflow_once
from orchctl.apply.reads import all_workflows
from orchctl.apply.shadow import (
    SEPARATOR,
    SHADOW_EVENT_PREFIX,
    ShadowReport,
    render_shadow,
    run_shadow_tests,
    temporary_workflow,
)
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import connect
from orchctl.definitions.loader import LoadedProject
from orchctl.definitions.model import Trigger
from orchctl.errors import UsageError
from orchctl.stack import StackOptions
from orchctl.triggertests import Report, write_junit


def run_remote(
    opts: GlobalOptions,
    project: LoadedProject,
    triggers: Sequence[Trigger],
    junit_path: str | None,
    stack: StackOptions,
    *,
    lock_timeout: float = 0.0,
) -> int:
    """Run the tests of `triggers` on the selected environment's stack, holding the
    environment's apply lock: an apply's recovery deletes the shadows it finds, so the two
    must not run at once (and the lock keeps a concurrent apply from racing the tests)."""
    with_tests = [t for t in triggers if t.tests]
    if not with_tests:
        click.echo("no trigger tests found (add `tests:` to a Trigger)")
        return 0
    stages = {w.name: w.stages for w in project.workflows}
    reports: list[ShadowReport] = []
    with _interrupt_once(), connect(opts, stack, announce=True) as live:
        if live.client.api_version != "v2":
            raise UsageError(
                "--remote needs the v2 API (the test endpoint is v2 only); this environment "
                "uses api_version v1",
                hint="set `api_version: v2` for this environment in orchctl.yaml",
            )
        lease = acquire(
            live.client,
            environment=live.target.environment,
            namespace=live.config.namespace,
            timeout=lock_timeout,
        )
        with lease, ExitStack() as temporaries:
            workflows = live.client.list_workflows()
            made: dict[str, Workflow] = {}
            for trigger in with_tests:
                stack_name = live.namer.stack_name(trigger.workflow)
                target = _on_stack(workflows, stack_name) or made.get(trigger.workflow)
                if target is None:
                    target = _temporary(
                        live.client,
                        temporaries,
                        stack_name,
                        stages.get(trigger.workflow),
                        {w.id for w in workflows},
                    )
                    made[trigger.workflow] = target
                    click.echo(
                        f"workflow {trigger.workflow} is not on the stack: testing against a "
                        f"temporary copy ({target.id}), deleted afterwards",
                        err=True,
                    )
                body = TriggerSpec(
                    event=trigger.event,
                    workflow_id=target.id,
                    name=live.namer.stack_name(trigger.name),
                    filter=trigger.filter if trigger.filter and trigger.filter.strip() else None,
                    vars=dict(trigger.vars),
                )
                lease.check()
                report = run_shadow_tests(live.client, trigger, body, target.id)
                reports.append(report)
                for line in render_shadow(report, click.style):
                    click.echo(line)
    combined = Report([r for report in reports for r in report.results])
    if junit_path:
        write_junit(combined, junit_path)
    disagreements = sum(len(r.disagreements) for r in reports)
    click.echo(
        f"{combined.passed} passed, {combined.failed} failed on {live.where}"
        + (f"; {_disagreements(disagreements)} with the offline evaluator" if disagreements else "")
    )
    return 0 if combined.ok else 1


def _temporary(
    client: OrchestrationClient,
    temporaries: ExitStack,
    stack_name: str,
    stages: Sequence[dict[str, Any]] | None,
    known: set[str],
) -> Workflow:
    """A temporary workflow, deleted when `temporaries` closes. Interrupted while it is
    being created, the copy that may have reached the stack is found and deleted."""
    try:
        return temporaries.enter_context(temporary_workflow(client, stack_name, stages or None))
    except BaseException:
        suffix = SEPARATOR + stack_name
        for workflow in all_workflows(client):  # a listing that cannot miss the copy
            if (
                workflow.id not in known
                and workflow.name.startswith(SHADOW_EVENT_PREFIX)
                and workflow.name.endswith(suffix)
            ):
                delete_workflow_once(client, workflow.id)
        raise


def _on_stack(workflows: Sequence[Workflow], stack_name: str) -> Workflow | None:
    """A live copy of the definition's workflow (the test endpoint never runs it, so which
    copy does not matter; the oldest, for a stable choice)."""
    found = [w for w in workflows if w.name == stack_name]
    epoch = datetime.min.replace(tzinfo=UTC)
    return min(found, key=lambda w: (w.created_at or epoch, w.id)) if found else None


@contextmanager
def _interrupt_once() -> Iterator[None]:
    """The first Ctrl-C interrupts (KeyboardInterrupt); later ones are ignored until the
    clean-up below it has run, so that no shadow is left behind."""
    try:
        previous = signal.getsignal(signal.SIGINT)
    except ValueError:  # not the main thread: nothing to arrange
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        click.echo("orchctl: interrupted; deleting the shadow triggers...", err=True)
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _disagreements(n: int) -> str:
    return f"{n} DISAGREEMENT{'S' if n != 1 else ''}"
