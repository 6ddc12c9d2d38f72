"""Table tests of the execution order (gitops-engine's TestSortSyncTask, for apply)."""

from __future__ import annotations

import pytest
from plan_support import STAGES_A, STAGES_B, dt, dw, live, lt, lw

from orchctl.api.models import LiveState
from orchctl.apply.steps import Step, StepKind, build_steps, order
from orchctl.plan.model import Desired
from orchctl.plan.planner import PlanOptions, make_plan

DEFAULT = PlanOptions()


def steps_of(
    desired: Desired,
    state: LiveState,
    options: PlanOptions = DEFAULT,
    **kw: object,
) -> tuple[Step, ...]:
    return build_steps(make_plan(desired, state, options), state, **kw)  # type: ignore[arg-type]


def table(steps: tuple[Step, ...]) -> list[tuple[str, list[str]]]:
    return [(s.key, sorted(s.depends_on)) for s in steps]


def keys(steps: list[Step]) -> list[str]:
    return [s.key for s in steps]


def test_nothing_to_do_is_only_the_final_re_read() -> None:
    state = live(lw("W1", "w"), lt("T1", "t", "W1"))
    assert table(steps_of(Desired((dw("w"),), (dt("t", "w"),)), state)) == [("verify", [])]


def test_creates_workflow_before_its_trigger() -> None:
    steps = steps_of(Desired((dw("w"),), (dt("t", "w"),)), live())
    assert table(steps) == [
        ("create-workflow:w", []),
        ("create-trigger:t", ["create-workflow:w"]),
        ("verify", ["create-trigger:t", "create-workflow:w"]),
    ]


def test_replaced_workflow_triggers_swap_then_the_old_version_goes() -> None:
    desired = Desired((dw("w", STAGES_B),), (dt("t", "w"), dt("u", "w", swap="create-first")))
    state = live(lw("W1", "w", STAGES_A), lt("T1", "t", "W1"), lt("U1", "u", "W1"))
    steps = steps_of(desired, state)
    assert table(steps)[:4] == [
        ("create-workflow:w", []),
        ("swap-create-first:u", ["create-workflow:w"]),
        ("swap-delete-first:t", ["create-workflow:w"]),
        ("delete-workflow:w:W1", ["swap-create-first:u", "swap-delete-first:t"]),
    ]
    by_key = {s.key: s for s in steps}
    assert by_key["swap-delete-first:t"].ids == ("T1",)
    assert by_key["swap-create-first:u"].ids == ("U1",)


def test_shadow_tests_gate_every_trigger_step_and_every_delete() -> None:
    desired = Desired((dw("w", STAGES_B), dw("x")), (dt("t", "w"), dt("new", "x")))
    state = live(lw("W1", "w", STAGES_A), lt("T1", "t", "W1"), lt("D1", "t", "W1"))
    steps = steps_of(desired, state, tested=["t", "new"])
    assert table(steps) == [
        ("create-workflow:w", []),
        ("create-workflow:x", []),
        ("shadow-test:new", ["create-workflow:x"]),
        ("shadow-test:t", ["create-workflow:w"]),
        ("gate", ["shadow-test:new", "shadow-test:t"]),
        ("create-trigger:new", ["create-workflow:x", "gate"]),
        ("swap-delete-first:t", ["create-workflow:w", "gate"]),
        ("delete-workflow:w:W1", ["gate", "swap-delete-first:t"]),
        (
            "verify",
            [
                "create-trigger:new",
                "create-workflow:w",
                "create-workflow:x",
                "delete-workflow:w:W1",
                "gate",
                "shadow-test:new",
                "shadow-test:t",
                "swap-delete-first:t",
            ],
        ),
    ]
    swap = next(s for s in steps if s.kind is StepKind.SWAP_DELETE_FIRST)
    assert swap.ids == ("D1", "T1")  # both live copies replaced in one swap


def test_untested_triggers_have_no_shadow_and_no_gate() -> None:
    steps = steps_of(Desired((dw("w"),), (dt("t", "w"),)), live(), tested=["other"])
    assert StepKind.GATE not in {s.kind for s in steps}


def test_duplicates_and_prunes_wait_for_the_triggers_that_point_at_them() -> None:
    options = PlanOptions(namespace="pay", prune=True)
    state = live(
        lw("W1", "pay/w", age=0),
        lw("W2", "pay/w", STAGES_B, age=5),  # a stale copy, used by a live trigger
        lt("T1", "pay/t", "W2"),
        lw("OLD", "pay/old"),
        lt("OT", "pay/old-t", "OLD"),
        lt("X1", "pay/t", "W1", age=9),  # a second copy of t pointing at the kept W1
    )
    steps = steps_of(Desired((dw("w"),), (dt("t", "w"),)), state, options)
    assert table(steps)[:-1] == [
        ("delete-trigger:old-t:OT", []),
        ("delete-trigger:t:T1", []),
        ("delete-workflow:old:OLD", ["delete-trigger:old-t:OT"]),
        ("delete-workflow:w:W2", ["delete-trigger:t:T1"]),
    ]


def test_leftover_shadows_are_removed_first_with_nothing_to_wait_for() -> None:
    state = live(lw("W1", "w"), lt("T1", "t", "W1"))
    steps = steps_of(Desired((dw("w"),), (dt("t", "w"),)), state, leftover_shadows=["S9"])
    assert table(steps)[0] == ("delete-trigger:shadow:S9", [])
    assert steps[0].shadow


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # phase first, whatever the name
        (
            [("delete-workflow", "a"), ("create-trigger", "z"), ("create-workflow", "m")],
            ["create-workflow", "create-trigger", "delete-workflow"],
        ),
        # within phase 4: creates, create-first swaps, delete-first swaps, deletes
        (
            [
                ("delete-trigger", "a"),
                ("swap-delete-first", "a"),
                ("swap-create-first", "b"),
                ("create-trigger", "c"),
            ],
            ["create-trigger", "swap-create-first", "swap-delete-first", "delete-trigger"],
        ),
        # shadow tests before the gate, the gate before any trigger step
        (
            [("create-trigger", "a"), ("gate", ""), ("shadow-test", "z")],
            ["shadow-test", "gate", "create-trigger"],
        ),
        # same kind: by name
        (
            [("create-workflow", "b"), ("create-workflow", "a")],
            ["create-workflow", "create-workflow"],
        ),
    ],
)
def test_sort_key(given: list[tuple[str, str]], expected: list[str]) -> None:
    steps = [Step(f"{k}:{n}", StepKind(k), n) for k, n in given]
    ordered = sorted(steps, key=lambda s: s.sort_key)
    assert [s.kind.value for s in ordered] == expected
    same_kind = [s.name for s in ordered if s.kind is StepKind.CREATE_WORKFLOW]
    assert same_kind == sorted(same_kind)


def test_order_follows_dependencies_over_the_sort_key() -> None:
    a = Step("a", StepKind.DELETE_WORKFLOW, "a")
    b = Step("b", StepKind.CREATE_WORKFLOW, "b", depends_on=frozenset({"a"}))
    assert keys(order([b, a])) == ["a", "b"]


def test_order_refuses_a_cycle_and_an_unknown_dependency() -> None:
    a = Step("a", StepKind.CREATE_WORKFLOW, depends_on=frozenset({"b"}))
    b = Step("b", StepKind.CREATE_WORKFLOW, depends_on=frozenset({"a"}))
    with pytest.raises(ValueError, match="cycle"):
        order([a, b])
    with pytest.raises(ValueError, match="unknown"):
        order([a])
