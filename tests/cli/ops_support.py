"""Helpers for the operations commands' tests: a project folder whose embedded sandbox is
seeded through the real client, and the CLI run in-process."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchctl.api import OrchestrationClient, TriggerSpec, Workflow, WorkflowConfig
from orchctl.api import Trigger as LiveTrigger
from orchctl.cli.main import run
from orchctl.definitions.project import load_project_config
from orchctl.sandbox import Sandbox

NOOP: tuple[dict[str, Any], ...] = ({"noop": {}},)
WAIT: tuple[dict[str, Any], ...] = ({"wait_event": {"event": "go"}}, {"noop": {}})


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_project(
    root: Path,
    namespace: str | None = "payments",
    profile: str = "current",
    environments: dict[str, Any] | None = None,
) -> Path:
    """A project whose `local` environment is the embedded sandbox in `profile`."""
    root.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"namespace": namespace} if namespace else {}
    config["environments"] = {"local": {"sandbox": {"profile": profile}}, **(environments or {})}
    (root / "orchctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


def profile_of(root: Path) -> str:
    config, _ = load_project_config(str(root))
    settings = config.environment("local").settings
    return str((settings.get("sandbox") or {}).get("profile", "current"))


@contextmanager
def stack(root: Path) -> Iterator[tuple[Sandbox, OrchestrationClient]]:
    """The project's embedded sandbox (the one the CLI opens), with a client on it."""
    with (
        Sandbox.local(str(root), profile=profile_of(root)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        yield sandbox, client


def workflow(
    client: OrchestrationClient, name: str, stages: Sequence[dict[str, Any]] = NOOP
) -> Workflow:
    return client.create_workflow(WorkflowConfig(stages=tuple(stages), name=name))


def trigger(
    client: OrchestrationClient,
    name: str,
    workflow_id: str,
    event: str = "SAVED_PAYMENT",
    filter: str | None = None,
    vars: dict[str, str] | None = None,
) -> LiveTrigger:
    return client.create_trigger(
        TriggerSpec(event=event, workflow_id=workflow_id, name=name, filter=filter, vars=vars)
    )


def started(client: OrchestrationClient, instance_id: str, timeout: float = 10.0) -> None:
    """Wait until the sandbox's runner has begun the run's first stage."""
    deadline = time.monotonic() + timeout
    while not client.get_instance(instance_id).status:
        assert time.monotonic() < deadline, f"instance {instance_id} never started"
        time.sleep(0.01)


def writes(sandbox: Sandbox) -> list[tuple[str, str]]:
    """The timeline as (action, kind) pairs."""
    return [(e.action, e.kind) for e in sandbox.timeline()]
