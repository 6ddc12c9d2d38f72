"""Projects written to disk, applies on the sandbox, and the invariants every apply test
replays from the sandbox's timeline (imported by name; no fixtures here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from sandbox_clients import sandbox_client

from orchctl.api import OrchestrationClient
from orchctl.apply.engine import ApplyReport, apply_project
from orchctl.definitions.loader import load_project
from orchctl.pipeline import PlanRequest, plan_with
from orchctl.plan.model import Plan
from orchctl.sandbox import Sandbox, TimelineEntry
from orchctl.stack import Target

TARGET = Target("local", None, "test sandbox")
STAGES_A: list[dict[str, Any]] = [{"wait_event": {"event": "a"}}]
STAGES_B: list[dict[str, Any]] = [{"wait_event": {"event": "b"}}]


def write_project(
    root: Path,
    *,
    namespace: str | None = None,
    workflows: Mapping[str, Sequence[Any]] = (),  # type: ignore[assignment]
    triggers: Iterable[Mapping[str, Any]] = (),
    prune: bool = False,
) -> Path:
    """orchctl.yaml and one file per definition (the directory is emptied first)."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.yaml"):
        old.unlink()
    config: dict[str, Any] = {"environments": {"local": {}}}
    if namespace:
        config["namespace"] = namespace
    if prune:
        config["prune"] = True
    (root / "orchctl.yaml").write_text(yaml.safe_dump(config))
    for name, stages in dict(workflows).items():
        doc = {"kind": "Workflow", "name": name, "stages": list(stages)}
        (root / f"wf-{name}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    for trigger in triggers:
        doc = {"kind": "Trigger", "event": "SAVED_PAYMENT", **trigger}
        (root / f"tr-{trigger['name']}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


def apply_dir(
    sb: Sandbox | None,
    root: Path,
    *,
    client: OrchestrationClient | None = None,
    actor: str = "orchctl",
    request: PlanRequest = PlanRequest(),  # noqa: B008 - frozen
    **kw: Any,
) -> ApplyReport:
    project = load_project(str(root))
    assert not [d for d in project.diagnostics if d.severity == "error"], project.diagnostics
    if client is not None:
        return apply_project(client, TARGET, project, request, **kw)
    assert sb is not None
    with sandbox_client(sb, actor, parallelism=kw.get("parallelism", 8)) as own:
        return apply_project(own, TARGET, project, request, **kw)


def plan_dir(
    sb: Sandbox,
    root: Path,
    request: PlanRequest = PlanRequest(),  # noqa: B008 - frozen
) -> Plan:
    project = load_project(str(root))
    with sandbox_client(sb, "planner") as client:
        return plan_with(client, TARGET, project, request).plan


def changes(plan: Plan) -> list[tuple[str, str, str]]:
    return [(c.action.value, c.kind, c.name) for c in plan.changes if c.action.changes]


# ---------------------------------------------------------------- invariants


def check_invariants(
    timeline: Sequence[TimelineEntry],
    *,
    delete_first: Iterable[str] = (),
    managed: Iterable[str] | None = None,
    from_seq: int = 0,
    may_dangle: Iterable[str] = (),
) -> None:
    """Replayed from the timeline, write by write (a lost response still committed):

    1. never two live triggers of one stack name in `delete_first` (a delete-first trigger);
    2. never a workflow deleted while a live managed trigger (name in `managed`; None: any
       trigger not a shadow) points at it;
    3. a trigger is created only while its workflow exists (the new version before its
       triggers).

    Writes before `from_seq` (a test's own seeding) only build the state; `may_dangle`:
    ids of triggers the plan accepted to leave dangling (--force)."""
    accepted = set(may_dangle)
    gapped = set(delete_first)
    managed_names = set(managed) if managed is not None else None
    workflows: set[str] = set()
    triggers: dict[str, tuple[str, str]] = {}  # id -> (name, workflow id)
    for entry in sorted(timeline, key=lambda e: e.seq):
        if entry.kind == "workflow" and entry.action == "create":
            workflows.add(entry.object_id)
        elif entry.kind == "workflow" and entry.action == "delete":
            pointing = [
                (name, tid)
                for tid, (name, wid) in triggers.items()
                if wid == entry.object_id
                and tid not in accepted
                and (managed_names is None or name in managed_names)
                and not name.startswith("orchctl-shadow")
            ]
            assert not pointing or entry.seq < from_seq, (
                f"seq {entry.seq}: workflow {entry.object_id} deleted while live triggers "
                f"point at it: {pointing}"
            )
            workflows.discard(entry.object_id)
        elif entry.kind == "trigger" and entry.action == "create":
            name = entry.name or ""
            workflow_id = str(entry.detail.get("workflowID"))
            assert workflow_id in workflows or entry.seq < from_seq, (
                f"seq {entry.seq}: trigger {name} created for workflow {workflow_id}, "
                "which does not exist (yet, or any more)"
            )
            if name in gapped:
                twins = [tid for tid, (n, _) in triggers.items() if n == name]
                assert not twins or entry.seq < from_seq, (
                    f"seq {entry.seq}: a second live copy of delete-first trigger {name} "
                    f"(besides {twins})"
                )
            triggers[entry.object_id] = (name, workflow_id)
        elif entry.kind == "trigger" and entry.action == "delete":
            triggers.pop(entry.object_id, None)


def duplicates_ever_live(timeline: Sequence[TimelineEntry], names: Iterable[str]) -> int:
    """How many times a trigger of one of `names` was created while another copy was live."""
    wanted = set(names)
    live: dict[str, str] = {}
    count = 0
    for entry in sorted(timeline, key=lambda e: e.seq):
        if entry.kind != "trigger":
            continue
        if entry.action == "create" and (entry.name or "") in wanted:
            if (entry.name or "") in live.values():
                count += 1
            live[entry.object_id] = entry.name or ""
        elif entry.action == "delete":
            live.pop(entry.object_id, None)
    return count
