"""Property: for any desired/live pair, applying the plan reaches the desired state, and
planning again finds nothing to do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from plan_support import STAGES_A, STAGES_B, apply_in_memory, dt, dw, lt, lw

from orchctl.api.models import LiveState
from orchctl.plan.compare import trigger_body, workflow_body
from orchctl.plan.identity import Namer
from orchctl.plan.planner import Bodies, Desired, PlanOptions, make_plan

WF_NAMES = ["a", "b", "c"]
TR_NAMES = ["t", "u", "v"]
STAGES = [STAGES_A, STAGES_B]
FILTERS = [None, "", 'event.type == "PAY-IN"']


@st.composite
def scenarios(draw: Any) -> tuple[Desired, LiveState, PlanOptions]:
    namespace = draw(st.sampled_from([None, "pay"]))
    options = PlanOptions(
        namespace=namespace,
        prune=draw(st.booleans()),
        force=True,  # blocking is tested in the table tests
        allow_empty=True,
    )
    wanted_wf = draw(st.lists(st.sampled_from(WF_NAMES), unique=True))
    desired_wf = tuple(dw(n, draw(st.sampled_from(STAGES))) for n in sorted(wanted_wf))
    desired_tr = ()
    if wanted_wf:
        wanted_tr = draw(st.lists(st.sampled_from(TR_NAMES), unique=True))
        desired_tr = tuple(
            dt(
                n,
                draw(st.sampled_from(sorted(wanted_wf))),
                filter=draw(st.sampled_from(FILTERS)),
                swap=draw(st.sampled_from(["delete-first", "create-first"])),
            )
            for n in sorted(wanted_tr)
        )
    prefixes = ["", "pay/", "other/"]
    live_wf = [
        lw(
            f"W{i}",
            draw(st.sampled_from(prefixes)) + draw(st.sampled_from([*WF_NAMES, "zz"])),
            draw(st.sampled_from(STAGES)),
            age=draw(st.integers(0, 5)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    targets = [w.id for w in live_wf] + ["GONE"]
    live_tr = [
        lt(
            f"T{i}",
            draw(st.sampled_from(prefixes)) + draw(st.sampled_from([*TR_NAMES, "zz"])),
            draw(st.sampled_from(targets)),
            filter=draw(st.sampled_from(FILTERS)),
            age=draw(st.integers(0, 5)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    return Desired(desired_wf, desired_tr), LiveState(tuple(live_wf), tuple(live_tr)), options


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_plan_then_apply_reaches_the_desired_state(
    scenario: tuple[Desired, LiveState, PlanOptions],
) -> None:
    desired, state, options = scenario
    namer = Namer(options.namespace)
    plan = make_plan(desired, state, options)
    after = apply_in_memory(plan, state)

    by_name: dict[str, str] = {}
    for wanted in desired.workflows:
        matches = [w for w in after.workflows if w.name == namer.stack_name(wanted.name)]
        assert len(matches) == 1, (wanted.name, matches)
        assert workflow_body(matches[0].config.stages) == workflow_body(wanted.stages)
        by_name[wanted.name] = matches[0].id
    for wanted_t in desired.triggers:
        matches_t = [t for t in after.triggers if t.name == namer.stack_name(wanted_t.name)]
        assert len(matches_t) == 1, (wanted_t.name, matches_t)
        live_t = matches_t[0]
        assert live_t.workflow_id == by_name[wanted_t.workflow]
        assert trigger_body(live_t.event, live_t.filter, live_t.vars, live_t.version) == (
            trigger_body(wanted_t.event, wanted_t.filter, wanted_t.vars, wanted_t.version)
        )

    # objects orchctl does not manage are never touched
    defined_wf = {w.name for w in desired.workflows}
    defined_tr = {t.name for t in desired.triggers}
    for obj in (*state.workflows, *state.triggers):
        defined = defined_wf if obj in state.workflows else defined_tr
        plain = namer.plain_name(obj.name)
        managed = plain is not None and (options.namespace is not None or plain in defined)
        if not managed:
            assert obj in (*after.workflows, *after.triggers)
        elif options.namespace and options.prune and plain not in defined:
            assert obj not in (*after.workflows, *after.triggers)

    again = make_plan(desired, after, options)
    assert not again.has_changes, [c for c in again.changes if c.action.changes]


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.booleans(), st.sampled_from([None, "2"]), st.sampled_from([None, "2"]))
def test_bodies_made_ahead_change_nothing_of_the_plan(
    scenario: tuple[Desired, LiveState, PlanOptions],
    versions: bool,
    wanted_version: str | None,
    live_version: str | None,
) -> None:
    """What plan reads ahead (live objects as their pages arrive, desired ones while the
    stack is read: planner.Bodies) gives the plan made without it, whatever the versions."""
    desired, state, options = scenario
    options = replace(options, trigger_versions=versions)
    desired = replace(
        desired, triggers=tuple(replace(t, version=wanted_version) for t in desired.triggers)
    )
    state = replace(state, triggers=tuple(replace(t, version=live_version) for t in state.triggers))
    bodies = Bodies()
    for obj in (*state.workflows, *state.triggers):
        bodies.warm(obj)
    bodies.add_desired(desired)
    assert make_plan(desired, state, options, bodies) == make_plan(desired, state, options)
