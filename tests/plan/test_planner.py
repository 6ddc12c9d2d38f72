"""Table tests of the planner: desired x live -> actions, one case per rule of DESIGN §3-4."""

from __future__ import annotations

import pytest
from plan_support import STAGES_A, STAGES_B, dt, dw, live, lt, lw, summary

from orchctl.api.models import LiveState
from orchctl.plan.model import Action, Plan, Reason, ReasonCode, Risk, RiskCode
from orchctl.plan.planner import Desired, PlanError, PlanOptions, make_plan

NS = PlanOptions(namespace="pay")
NS_PRUNE = PlanOptions(namespace="pay", prune=True)


DEFAULT = PlanOptions()


def plan_of(desired: Desired, state: LiveState, options: PlanOptions = DEFAULT) -> Plan:
    return make_plan(desired, state, options)


def test_nothing_and_nothing() -> None:
    plan = plan_of(Desired(), live())
    assert plan.changes == ()
    assert not plan.has_changes


def test_create_workflow_and_trigger() -> None:
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), live(), NS)
    assert summary(plan) == [("+", "Workflow", "w", ()), ("+", "Trigger", "t", ())]
    assert [c.stack_name for c in plan.changes] == ["pay/w", "pay/t"]
    assert plan.count() == {"create": 2, "replace": 0, "delete": 0}


def test_identical_objects_are_no_ops_semantically() -> None:
    stages_live = ({"send": {"amount": {"asset": "USD/2", "amount": 100.0}}},)
    stages_desired = ({"send": {"amount": {"amount": 100, "asset": "USD/2"}}},)
    desired = Desired(
        (dw("w", stages_desired),),
        (dt("t", "w", filter=None, vars={"a": "event.id"}),),
    )
    state = live(lw("W1", "w", stages_live), lt("T1", "t", "W1", filter="", vars={"a": "event.id"}))
    plan = plan_of(desired, state)
    assert summary(plan) == []
    assert [(c.action, c.live_ids) for c in plan.changes] == [
        (Action.NOOP, ("W1",)),
        (Action.NOOP, ("T1",)),
    ]


def test_changed_workflow_is_replaced_and_its_triggers_follow() -> None:
    desired = Desired((dw("w", STAGES_B),), (dt("t", "w"), dt("u", "w", swap="create-first")))
    state = live(lw("W1", "w", STAGES_A), lt("T1", "t", "W1"), lt("U1", "u", "W1"))
    plan = plan_of(desired, state)
    assert summary(plan) == [
        ("+/-", "Workflow", "w", ("W1",)),
        ("-/+", "Trigger", "t", ("T1",)),
        ("+/-", "Trigger", "u", ("U1",)),
    ]
    workflow, trigger, _ = plan.changes
    assert workflow.reasons == (
        Reason(ReasonCode.FIELD, path="stages[0].wait_event.event", change="changed"),
    )
    assert [(d.path, d.before, d.after) for d in workflow.diff] == [
        ("stages[0].wait_event.event", "a", "b")
    ]
    assert trigger.reasons == (Reason(ReasonCode.WORKFLOW_REPLACED, workflow="w"),)
    assert trigger.swap == "delete-first"
    assert trigger.risks == (
        Risk(RiskCode.GAP),
        Risk(RiskCode.ONCE_PER_OBJECT_RESET, event="SAVED_PAYMENT", workflow="w"),
    )
    assert plan.changes[2].risks[0] == Risk(RiskCode.OVERLAP)


def test_changed_trigger_only() -> None:
    desired = Desired((dw("w"),), (dt("t", "w", filter='event.type == "PAY-IN"'),))
    state = live(lw("W1", "w"), lt("T1", "t", "W1"))
    plan = plan_of(desired, state)
    assert summary(plan) == [("-/+", "Trigger", "t", ("T1",))]
    assert plan.changes[1].reasons == (Reason(ReasonCode.FIELD, path="filter", change="added"),)


def test_workflow_created_for_an_existing_trigger() -> None:
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), live(lt("T1", "t", "GONE")))
    assert summary(plan) == [("+", "Workflow", "w", ()), ("-/+", "Trigger", "t", ("T1",))]
    assert plan.changes[1].reasons == (
        Reason(ReasonCode.DANGLING, id="GONE"),
        Reason(ReasonCode.WORKFLOW_CREATED, workflow="w"),
    )


def test_dangling_managed_trigger_is_replaced() -> None:
    state = live(lw("W1", "w"), lt("T1", "t", "DELETED-WF"))
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), state)
    assert summary(plan) == [("-/+", "Trigger", "t", ("T1",))]
    assert plan.changes[1].reasons == (Reason(ReasonCode.DANGLING, id="DELETED-WF"),)


def test_duplicate_workflows_keep_the_one_triggers_use() -> None:
    state = live(lw("W1", "w", age=0), lw("W2", "w", age=5), lt("T1", "t", "W2"))
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), state)
    assert summary(plan) == [("x", "Workflow", "w", ("W1",))]
    assert plan.changes[0].live_ids == ("W2",)  # the kept one
    assert plan.changes[1].reasons == (Reason(ReasonCode.EXTRA_COPY, id="W2"),)


def test_duplicate_triggers_keep_the_oldest() -> None:
    state = live(lw("W1", "w"), lt("T2", "t", "W1", age=3), lt("T1", "t", "W1", age=1))
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), state)
    assert summary(plan) == [("x", "Trigger", "t", ("T2",))]


def test_stale_copies_are_all_replaced() -> None:
    state = live(lw("W1", "w", STAGES_A), lw("W2", "w", STAGES_A, age=2))
    plan = plan_of(Desired((dw("w", STAGES_B),)), state)
    assert summary(plan) == [("+/-", "Workflow", "w", ("W1", "W2"))]
    assert plan.changes[0].reasons[-1] == Reason(ReasonCode.LIVE_COPIES, count=2)


def test_orphans_are_reported_not_deleted_without_prune() -> None:
    state = live(lw("W1", "pay/old"), lt("T1", "pay/old-t", "W1"), lw("X1", "other"))
    plan = plan_of(Desired((dw("w"),)), state, NS)
    assert summary(plan) == [("+", "Workflow", "w", ())]
    assert [(f.category, f.name) for f in plan.findings] == [
        ("orphan", "pay/old"),
        ("orphan", "pay/old-t"),
        ("unmanaged", "other"),
    ]


def test_prune_deletes_orphans_in_the_namespace_only() -> None:
    state = live(lw("W1", "pay/old"), lt("T1", "pay/old-t", "W1"), lw("X1", "other"))
    plan = plan_of(Desired((dw("w"),)), state, NS_PRUNE)
    assert summary(plan) == [
        ("-", "Workflow", "old", ("W1",)),
        ("+", "Workflow", "w", ()),
        ("-", "Trigger", "old-t", ("T1",)),
    ]
    assert plan.changes[0].reasons == (Reason(ReasonCode.PRUNE),)


def test_without_a_namespace_nothing_else_is_touched() -> None:
    state = live(lw("X1", "someone-elses"), lt("Y1", "theirs", "X1"))
    plan = plan_of(Desired((dw("w"),)), state, PlanOptions(prune=True))
    assert summary(plan) == [("+", "Workflow", "w", ())]
    assert {f.category for f in plan.findings} == {"unmanaged"}


def test_an_empty_repository_never_prunes_everything() -> None:
    state = live(lw("W1", "pay/w"), lt("T1", "pay/t", "W1"))
    with pytest.raises(PlanError, match="pruning would delete all 2 managed objects"):
        plan_of(Desired(), state, NS_PRUNE)
    allowed = plan_of(Desired(), state, PlanOptions(namespace="pay", prune=True, allow_empty=True))
    assert allowed.count()["delete"] == 2


def test_unmanaged_trigger_on_a_replaced_workflow_blocks() -> None:
    state = live(lw("W1", "pay/w", STAGES_A), lt("U1", "someone-elses", "W1"))
    plan = plan_of(Desired((dw("w", STAGES_B),)), state, NS)
    assert [(f.category, f.id) for f in plan.blocked] == [("blocked", "U1")]
    assert (plan.blocked[0].workflow_id, plan.blocked[0].workflow_name) == ("W1", "pay/w")
    forced = plan_of(Desired((dw("w", STAGES_B),)), state, PlanOptions(namespace="pay", force=True))
    assert forced.blocked == ()
    assert [(f.category, f.id) for f in forced.findings] == [("forced", "U1")]


def test_unmanaged_trigger_on_an_unchanged_workflow_does_not_block() -> None:
    state = live(lw("W1", "pay/w"), lt("U1", "theirs", "W1"))
    assert plan_of(Desired((dw("w"),)), state, NS).blocked == ()


def test_unmanaged_dangling_trigger_is_reported() -> None:
    plan = plan_of(Desired(), live(lt("U1", "theirs", "NOPE")))
    assert [(f.category, f.id) for f in plan.findings] == [("dangling", "U1")]


def test_fingerprints_cover_managed_objects_and_blocking_triggers() -> None:
    state = live(lw("W1", "pay/w", STAGES_A), lt("U1", "theirs", "W1"), lw("X1", "other"))
    plan = plan_of(Desired((dw("w", STAGES_B),)), state, PlanOptions(namespace="pay", force=True))
    assert sorted(plan.fingerprints) == ["U1", "W1"]
    again = plan_of(Desired((dw("w", STAGES_B),)), state, PlanOptions(namespace="pay", force=True))
    assert again.fingerprints == plan.fingerprints


def test_changes_are_ordered_workflows_first_then_by_name() -> None:
    plan = plan_of(Desired((dw("b"), dw("a")), (dt("z", "a"), dt("y", "b"))), live())
    assert [(c.kind, c.name) for c in plan.changes] == [
        ("Workflow", "a"),
        ("Workflow", "b"),
        ("Trigger", "y"),
        ("Trigger", "z"),
    ]


def test_a_version_the_stack_lacks_says_older_servers_drop_it() -> None:
    desired = Desired((dw("w"),), (dt("t", "w", version="v2"),))
    plan = plan_of(desired, live(lw("W1", "w"), lt("T1", "t", "W1")))
    assert summary(plan) == [("-/+", "Trigger", "t", ("T1",))]
    assert plan.changes[1].reasons == (
        Reason(ReasonCode.FIELD, path="version", change="added"),
        Reason(ReasonCode.VERSION_ADDED),
    )


def test_unmanaged_lookalike_triggers_are_loud() -> None:
    desired = Desired(
        (dw("w"),), (dt("t", "w", filter='event.type == "PAY-IN"', vars={"a": "event.id"}),)
    )
    state = live(
        lw("OLD", "w"),
        lt("SAME-NAME", "t", "OLD"),  # the same definition, from before the namespace
        lt(
            "SAME-BODY", "hand-made", "OLD", filter='event.type == "PAY-IN"', vars={"a": "event.id"}
        ),
        lt("OTHER", "unrelated", "OLD", event="SAVED_ACCOUNT"),
    )
    plan = plan_of(desired, state, NS)
    assert [(f.category, f.id) for f in plan.findings] == [
        ("lookalike", "SAME-BODY"),
        ("lookalike", "SAME-NAME"),
        ("unmanaged", "OLD"),
        ("unmanaged", "OTHER"),
    ]
    by_id = {f.id: (f.match, f.match_stack_name, f.same_name) for f in plan.findings}
    assert by_id["SAME-NAME"] == ("t", "pay/t", True)
    assert by_id["SAME-BODY"] == ("t", "pay/t", False)


def test_a_stale_extra_copy_shows_how_it_differs() -> None:
    # W2 (stale, but used by the live trigger) goes; W1 (matching) stays; the trigger follows
    state = live(
        lw("W1", "w", STAGES_B, age=0), lw("W2", "w", STAGES_A, age=5), lt("T1", "t", "W2")
    )
    plan = plan_of(Desired((dw("w", STAGES_B),), (dt("t", "w"),)), state)
    assert summary(plan) == [("x", "Workflow", "w", ("W2",)), ("-/+", "Trigger", "t", ("T1",))]
    stale = plan.changes[1]
    assert stale.reasons == (Reason(ReasonCode.STALE_COPY, id="W1"),)
    assert [(d.path, d.before, d.after) for d in stale.diff] == [
        ("stages[0].wait_event.event", "a", "b")
    ]
    assert plan.changes[2].reasons == (
        Reason(ReasonCode.OTHER_WORKFLOW_COPY, workflow="w", id="W2"),
    )


def test_every_replaced_once_per_object_trigger_carries_the_memory_risk() -> None:
    desired = Desired(
        (dw("w"),),
        (
            dt("pay", "w", filter="true"),
            dt("acc", "w", event="SAVED_ACCOUNT", filter="true", swap="create-first"),
            dt("tx", "w", event="NEW_TRANSACTION", filter="true"),
        ),
    )
    state = live(
        lw("W1", "w"),
        lt("P1", "pay", "W1"),
        lt("A1", "acc", "W1", event="SAVED_ACCOUNT"),
        lt("X1", "tx", "W1", event="NEW_TRANSACTION"),
    )
    plan = plan_of(desired, state)
    risks = {c.name: [r.code for r in c.risks] for c in plan.changes if c.kind == "Trigger"}
    assert risks == {
        "acc": [RiskCode.OVERLAP, RiskCode.ONCE_PER_OBJECT_RESET],
        "pay": [RiskCode.GAP, RiskCode.ONCE_PER_OBJECT_RESET],
        "tx": [RiskCode.GAP],
    }


def test_a_created_trigger_has_no_swap_risk() -> None:
    plan = plan_of(Desired((dw("w"),), (dt("t", "w"),)), live(lw("W1", "w")))
    assert plan.changes[1].risks == ()
