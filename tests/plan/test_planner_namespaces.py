"""Objects of another namespace are unmanaged: never drift, never findings of this plan
(listed with --show-unmanaged). A lookalike is an un-namespaced trigger named like one of
ours, or a trigger whose event, filter, vars and workflow would make one event start this
project's workflows twice (issue 10, item 4)."""

from __future__ import annotations

from plan_support import STAGES_A, STAGES_B, dt, dw, live, lt, lw

from orchctl.drift.report import drift_from_plan
from orchctl.plan.planner import Desired, PlanOptions, make_plan

NS1 = PlanOptions(namespace="ns1")
FILTER = 'event.type == "PAY-IN"'
DESIRED = Desired((dw("w", STAGES_A),), (dt("t", "w", filter=FILTER),))


def findings(state: object, options: PlanOptions = NS1) -> list[tuple[str, str]]:
    plan = make_plan(DESIRED, state, options)  # type: ignore[arg-type]
    return [(f.category, f.id) for f in plan.findings]


def test_a_dangling_trigger_of_another_namespace_is_unmanaged_not_drift() -> None:
    state = live(
        lw("W1", "ns1/w"), lt("T1", "ns1/t", "W1", filter=FILTER), lt("P1", "payments/x", "GONE")
    )
    plan = make_plan(DESIRED, state, NS1)
    assert [(f.category, f.id) for f in plan.findings] == [("unmanaged", "P1")]
    assert not plan.has_changes
    assert drift_from_plan(plan).in_sync
    shown = drift_from_plan(plan, show_unmanaged=True)
    assert shown.in_sync
    assert [(i.category, i.ids) for i in shown.items] == [("unmanaged", ("P1",))]


def test_an_un_namespaced_dangling_trigger_is_still_reported() -> None:
    assert findings(live(lt("U1", "theirs", "GONE"))) == [("dangling", "U1")]


def test_same_name_in_another_namespace_is_not_a_lookalike() -> None:
    state = live(lw("PW", "payments/w", STAGES_B), lt("P1", "payments/t", "PW"))
    assert findings(state) == [("unmanaged", "PW"), ("unmanaged", "P1")]


def test_an_un_namespaced_trigger_of_the_same_name_is_a_lookalike() -> None:
    state = live(lw("OLD", "w"), lt("OLD-T", "t", "OLD"))
    assert findings(state) == [("lookalike", "OLD-T"), ("unmanaged", "OLD")]


def test_same_body_on_another_projects_workflow_is_not_a_lookalike() -> None:
    # payments reacts to the same events with its own workflow: two projects, no double start
    state = live(lw("PW", "payments/other", STAGES_B), lt("P1", "payments/h", "PW", filter=FILTER))
    assert findings(state) == [("unmanaged", "PW"), ("unmanaged", "P1")]


def test_same_body_on_our_workflow_is_a_lookalike_whatever_its_namespace() -> None:
    state = live(
        lw("W1", "ns1/w"),
        lw("COPY", "payments/w-copy", STAGES_A),  # the same stages as our workflow
        lt("ON-OURS", "payments/a", "W1", filter=FILTER),
        lt("ON-COPY", "payments/b", "COPY", filter=FILTER),
    )
    assert findings(state) == [
        ("lookalike", "ON-OURS"),  # by name: payments/a, then payments/b
        ("lookalike", "ON-COPY"),
        ("unmanaged", "COPY"),
    ]
