"""The bulk path: many workflows and triggers straight into the store (for benchmarks)."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox.clock import now_str
from orchctl.sandbox.ids import new_id
from orchctl.sandbox.records import Trigger, Workflow
from orchctl.sandbox.store import Store

DEFAULT_STAGES: tuple[Any, ...] = ({"noop": {}},)


def bulk_seed(
    store: Store,
    *,
    workflows: int = 0,
    triggers: int = 0,
    event: str = "SAVED_PAYMENT",
    stages: tuple[Any, ...] = DEFAULT_STAGES,
    prefix: str = "bulk",
) -> tuple[list[str], list[str]]:
    """Insert ``workflows`` workflows and ``triggers`` triggers (spread over the seeded
    workflows, or over a new one). Returns the ids. Not recorded in the timeline."""
    at = now_str()
    wf = [Workflow(new_id(), f"{prefix}-wf-{i}", stages, at, at) for i in range(workflows)]
    if triggers and not wf:
        wf = [Workflow(new_id(), f"{prefix}-wf-0", stages, at, at)]
    tr = [
        Trigger(
            id=new_id(),
            name=f"{prefix}-tr-{i}",
            event=event,
            workflow_id=wf[i % len(wf)].id,
            created_at=at,
        )
        for i in range(triggers)
    ]
    with store.lock:
        store.insert_workflows(wf)
        store.insert_triggers(tr)
    return [w.id for w in wf], [t.id for t in tr]
