"""The desired state, from a loaded repository."""

from __future__ import annotations

from orchctl.definitions.loader import LoadedProject
from orchctl.plan.model import Desired, DesiredTrigger, DesiredWorkflow


def desired_from_project(project: LoadedProject) -> Desired:
    return Desired(
        workflows=tuple(
            DesiredWorkflow(w.name, tuple(w.stages))
            for w in sorted(project.workflows, key=lambda w: w.name)
        ),
        triggers=tuple(
            DesiredTrigger(
                name=t.name,
                workflow=t.workflow,
                event=t.event,
                filter=t.filter if t.filter and t.filter.strip() else None,
                vars=dict(t.vars),
                version=t.version,
                swap=t.swap,
            )
            for t in sorted(project.triggers, key=lambda t: t.name)
        ),
    )
