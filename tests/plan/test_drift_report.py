"""Drift as derived from a plan: categories a nightly job can act on."""

from __future__ import annotations

from plan_support import STAGES_A, STAGES_B, dt, dw, live, lt, lw

from orchctl.drift.render import detail
from orchctl.drift.report import drift_from_plan
from orchctl.plan.planner import Desired, PlanOptions, make_plan

DEFAULT = PlanOptions()


def items(desired: Desired, state, options: PlanOptions = DEFAULT):  # type: ignore[no-untyped-def]
    report = drift_from_plan(make_plan(desired, state, options), show_unmanaged=True)
    return [(i.category, i.kind, i.name, i.ids) for i in report.items], report


def test_in_sync() -> None:
    found, report = items(
        Desired((dw("w"),), (dt("t", "w"),)), live(lw("W1", "w"), lt("T1", "t", "W1"))
    )
    assert found == []
    assert report.in_sync
    assert report.in_sync_counts == (1, 1)


def test_a_changed_workflow_is_one_item_its_trigger_follows_silently() -> None:
    state = live(lw("W1", "w", STAGES_A), lt("T1", "t", "W1"))
    found, report = items(Desired((dw("w", STAGES_B),), (dt("t", "w"),)), state)
    assert found == [("changed", "Workflow", "w", ("W1",))]
    assert detail(report.items[0]) == "stages[0].wait_event.event changed"


def test_stale_copies_are_changed_and_duplicated() -> None:
    state = live(lw("W1", "w", STAGES_A), lw("W2", "w", STAGES_A))
    found, _ = items(Desired((dw("w", STAGES_B),)), state)
    assert found == [
        ("changed", "Workflow", "w", ("W1", "W2")),
        ("duplicated", "Workflow", "w", ("W1", "W2")),
    ]


def test_missing_dangling_orphaned_and_unmanaged() -> None:
    state = live(
        lw("W1", "pay/old"),
        lt("T1", "pay/t", "GONE"),
        lt("U1", "theirs", "GONE2", event="SAVED_ACCOUNT"),
    )
    found, report = items(Desired((dw("w"),), (dt("t", "w"),)), state, PlanOptions(namespace="pay"))
    assert found == [
        ("missing", "Workflow", "w", ()),
        ("dangling", "Trigger", "t", ("T1",)),
        ("dangling", "Trigger", "theirs", ("U1",)),
        ("orphaned", "Workflow", "pay/old", ("W1",)),
    ]
    assert not report.in_sync
