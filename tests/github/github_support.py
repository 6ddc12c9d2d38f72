"""Helpers: run the CLI in-process, make the embedded stack match the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchctl.api import OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.cli.main import run
from orchctl.definitions.loader import load_project
from orchctl.plan.desired import desired_from_project
from orchctl.plan.identity import Namer
from orchctl.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "ghs_TOKEN_must_never_be_printed_3f9a1c"


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def converge(root: Path) -> dict[str, str]:
    """What `apply` will do: the embedded stack made to match the repository; name -> id.
    Only for a stack without managed objects yet."""
    project = load_project(str(root))
    desired = desired_from_project(project)
    namer = Namer(project.config.namespace)
    ids: dict[str, str] = {}
    with (
        Sandbox.local(str(root)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        for w in desired.workflows:
            created = client.create_workflow(
                WorkflowConfig(stages=tuple(w.stages), name=namer.stack_name(w.name))
            )
            ids[w.name] = created.id
        for t in desired.triggers:
            client.create_trigger(
                TriggerSpec(
                    event=t.event,
                    workflow_id=ids[t.workflow],
                    name=namer.stack_name(t.name),
                    filter=t.filter,
                    vars=t.vars,
                )
            )
    return ids


def delete_live_trigger(root: Path, name: str) -> str:
    """Delete the live trigger of definition `name` behind orchctl's back; its id."""
    stack_name = Namer(load_project(str(root)).config.namespace).stack_name(name)
    with (
        Sandbox.local(str(root)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        (trigger,) = client.triggers_named(stack_name)
        client.delete_trigger(trigger.id)
        return trigger.id


def recreate_trigger(root: Path, name: str) -> None:
    """Put the trigger of definition `name` back as the repository says."""
    project = load_project(str(root))
    desired = desired_from_project(project)
    namer = Namer(project.config.namespace)
    (t,) = [t for t in desired.triggers if t.name == name]
    with (
        Sandbox.local(str(root)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        (workflow,) = client.workflows_named(namer.stack_name(t.workflow))
        client.create_trigger(
            TriggerSpec(
                event=t.event,
                workflow_id=workflow.id,
                name=namer.stack_name(t.name),
                filter=t.filter,
                vars=t.vars,
            )
        )
