"""Drift as plain data, derived from a plan of the repository against the live state.

Categories are decided from the plan's actions and reason codes; words are made in
`drift/render.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchctl.plan.model import Action, Change, Finding, Plan, Reason, ReasonCode

Category = Literal["missing", "changed", "duplicated", "dangling", "orphaned", "unmanaged"]
CATEGORIES: tuple[Category, ...] = (
    "missing",
    "changed",
    "duplicated",
    "dangling",
    "orphaned",
    "unmanaged",
)


@dataclass(frozen=True)
class DriftItem:
    category: Category
    kind: str
    name: str
    ids: tuple[str, ...]
    reasons: tuple[Reason, ...] = ()  # from the plan's change
    finding: Finding | None = None  # from the plan's finding
    copies: int | None = None  # duplicated: that many live copies of one definition


@dataclass(frozen=True)
class DriftReport:
    environment: str
    namespace: str | None
    items: tuple[DriftItem, ...]
    in_sync_counts: tuple[int, int]  # workflows, triggers that match

    @property
    def drifted(self) -> tuple[DriftItem, ...]:
        return tuple(i for i in self.items if i.category != "unmanaged")

    @property
    def in_sync(self) -> bool:
        return not self.drifted

    def count(self) -> dict[str, int]:
        return {c: sum(1 for i in self.items if i.category == c) for c in CATEGORIES}


_FOLLOWS = (ReasonCode.WORKFLOW_REPLACED, ReasonCode.WORKFLOW_CREATED)


def _follows_its_workflow(change: Change) -> bool:
    return bool(change.reasons) and all(r.code in _FOLLOWS for r in change.reasons)


def drift_from_plan(plan: Plan, *, show_unmanaged: bool = False) -> DriftReport:
    items: list[DriftItem] = []
    for change in plan.changes:
        if change.action is Action.CREATE:
            items.append(DriftItem("missing", change.kind, change.name, (), change.reasons))
        elif change.action.is_replace:
            if not change.diff and _follows_its_workflow(change):
                continue  # not drift of its own: its workflow's item says what changed
            category: Category = "dangling" if change.has_reason(ReasonCode.DANGLING) else "changed"
            reasons = tuple(r for r in change.reasons if r.code is not ReasonCode.LIVE_COPIES)
            items.append(DriftItem(category, change.kind, change.name, change.live_ids, reasons))
            if len(change.live_ids) > 1:
                items.append(
                    DriftItem(
                        "duplicated",
                        change.kind,
                        change.name,
                        change.live_ids,
                        copies=len(change.live_ids),
                    )
                )
        elif change.action is Action.REMOVE_DUPLICATE:
            items.append(
                DriftItem(
                    "duplicated", change.kind, change.name, change.live_ids, change.reasons[:1]
                )
            )
        elif change.action is Action.DELETE:  # only planned with prune
            items.append(DriftItem("orphaned", change.kind, change.name, change.live_ids))
    for finding in plan.findings:
        if finding.category == "dangling":
            items.append(
                DriftItem("dangling", finding.kind, finding.name, (finding.id,), finding=finding)
            )
        elif finding.category == "lookalike":
            items.append(
                DriftItem("duplicated", finding.kind, finding.name, (finding.id,), finding=finding)
            )
        elif finding.category == "orphan":
            items.append(
                DriftItem("orphaned", finding.kind, finding.name, (finding.id,), finding=finding)
            )
        elif show_unmanaged and finding.category in ("unmanaged", "blocked"):
            items.append(
                DriftItem("unmanaged", finding.kind, finding.name, (finding.id,), finding=finding)
            )
    order = {c: i for i, c in enumerate(CATEGORIES)}
    items.sort(key=lambda i: (order[i.category], i.kind != "Workflow", i.name, i.ids))
    noop = [c for c in plan.changes if c.action is Action.NOOP]
    return DriftReport(
        environment=plan.environment,
        namespace=plan.namespace,
        items=tuple(items),
        in_sync_counts=(
            sum(1 for c in noop if c.kind == "Workflow"),
            sum(1 for c in noop if c.kind == "Trigger"),
        ),
    )
