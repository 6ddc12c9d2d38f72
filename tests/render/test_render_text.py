"""The terminal plan: exact text for every action, finding and diff shape."""

from __future__ import annotations

import random
from textwrap import dedent

import click
import pytest

from orchctl.api.models import LiveState, Trigger, Workflow, WorkflowConfig
from orchctl.plan.model import Plan
from orchctl.plan.planner import (
    Desired,
    DesiredTrigger,
    DesiredWorkflow,
    PlanOptions,
    make_plan,
)
from orchctl.render.text import render_text


def text(plan: Plan, **kwargs: bool) -> str:
    return render_text(plan, color=False, **kwargs)


def expected(block: str) -> str:
    return dedent(block).strip("\n")


def wf(id_: str, name: str, *stages: dict[str, object]) -> Workflow:
    return Workflow(id_, WorkflowConfig(stages=stages, name=name))


def test_every_action_and_finding(pruning_plan: Plan) -> None:
    assert text(pruning_plan, show_unmanaged=True) == expected(
        """
        orchctl plan — environment production, namespace payments

          + Workflow month-end-interest             (create)
                + stages:
                + - noop: {}
          +/- Workflow payin-to-wallet              (replace: create before destroy)
                reason: stages[0].send.amount.asset changed, stages[2] added
                ~ stages[0].send.amount.asset: "USD/2" -> "EUR/2"
                + stages[2]: {noop: {}}
          x Workflow refunds  wf-refunds-2          (remove duplicate: extra live copy (keeping wf-refunds))
          -/+ Trigger credit-wallet-on-payin        (replace, delete-first)
                reason: workflow payin-to-wallet replaced
                risk: events between the delete and the create are NOT caught (a gap of two back-to-back calls); `swap: create-first` overlaps instead, for idempotent workflows
                risk: once-per-object memory lost: payments saved again after the swap that still match start workflow payin-to-wallet a second time (the service remembers processed payments per trigger id, and the replacement has a new one)
          +/- Trigger flag-high-value-transactions  (replace, create-first)
                reason: filter changed
                risk: for a moment both triggers fire: matching events start the workflow twice
                risk: once-per-object memory lost: payments saved again after the swap that still match start workflow refunds a second time (the service remembers processed payments per trigger id, and the replacement has a new one)
                ~ filter:
                  - event.amount > 10000
                  + event.amount > 50000
                    && event.status == "SUCCEEDED"
          - Trigger old-thing                       (delete: not in the repository (prune))
                - event: SAVED_PAYMENT

        Blocked: this plan cannot be applied (--force overrides):
          ! Trigger legacy-hook  tr-legacy: starts workflow 'payments/payin-to-wallet' (wf-payin), which applying the repository deletes (replaced or pruned): the trigger would be left dangling, still firing

        Dangling triggers (their workflow is gone; they still fire):
          ! Trigger ghost  tr-ghost: its workflow wf-gone is missing or deleted; it still fires

        Unmanaged (never touched):
          · Workflow other-team/reporting  wf-other: not managed by orchctl
          · Trigger other-team/report  tr-report: not managed by orchctl

        Plan: 1 to create, 3 to replace, 2 to delete.
        """
    )


def test_orphans_listed_unmanaged_counted_only(orphan_plan: Plan) -> None:
    out = text(orphan_plan)
    tail = out[out.index("\nBlocked") + 1 :]
    assert tail == expected(
        """
        Blocked: this plan cannot be applied (--force overrides):
          ! Trigger legacy-hook  tr-legacy: starts workflow 'payments/payin-to-wallet' (wf-payin), which applying the repository deletes (replaced or pruned): the trigger would be left dangling, still firing

        Dangling triggers (their workflow is gone; they still fire):
          ! Trigger ghost  tr-ghost: its workflow wf-gone is missing or deleted; it still fires

        Orphans (not in the repository; deleted only with --prune):
          ? Trigger payments/old-thing  tr-old: in namespace 'payments' but not in the repository (deleted only with --prune)

        2 unmanaged objects not shown (--show-unmanaged).

        Plan: 1 to create, 3 to replace, 1 to delete.
        """
    )
    assert "- Trigger old-thing" not in out


def test_no_changes(empty_plan: Plan) -> None:
    assert text(empty_plan) == expected(
        """
        orchctl plan — environment staging, namespace payments

        No changes. The stack matches the repository.
        """
    )


def test_no_namespace_header_and_create_only() -> None:
    plan = make_plan(
        Desired(workflows=(DesiredWorkflow("a", [{"noop": {}}]),)),
        LiveState(),
        PlanOptions("local"),
    )
    assert text(plan) == expected(
        """
        orchctl plan — environment local

          + Workflow a  (create)
                + stages:
                + - noop: {}

        Plan: 1 to create, 0 to replace, 0 to delete.
        """
    )


def test_removed_duplicate_names_the_copy_and_the_kept_one() -> None:
    live = LiveState(
        workflows=(wf("w1", "a", {"noop": {}}), wf("w2", "a", {"noop": {}})),
    )
    plan = make_plan(
        Desired(workflows=(DesiredWorkflow("a", [{"noop": {}}]),)), live, PlanOptions()
    )
    assert text(plan) == expected(
        """
        orchctl plan — environment local

          x Workflow a  w2  (remove duplicate: extra live copy (keeping w1))

        Plan: 0 to create, 0 to replace, 1 to delete.
        """
    )


def test_stage_type_change_vars_and_version_diff() -> None:
    live = LiveState(
        workflows=(wf("w1", "a", {"delay": {"duration": "1h"}}, {"noop": {}}),),
        triggers=(Trigger("t1", "E", "w1", name="t", vars={"x": "event.x", "keep": "1"}),),
    )
    desired = Desired(
        workflows=(DesiredWorkflow("a", [{"noop": {}}]),),
        triggers=(DesiredTrigger("t", "a", "E", vars={"keep": "1", "y": "event.y"}, version="v2"),),
    )
    assert text(make_plan(desired, live, PlanOptions())) == expected(
        """
        orchctl plan — environment local

          +/- Workflow a  (replace: create before destroy)
                reason: stages[0] changed, stages[1] removed
                ~ stages[0]: {delay: {duration: "1h"}} -> {noop: {}}
                - stages[1]: {noop: {}}
          -/+ Trigger t   (replace, delete-first)
                reason: vars.x removed, vars.y added, version added
                reason: workflow a replaced
                reason: servers older than 2025 drop a trigger's `version`: if this replacement is planned again after apply, the stack cannot keep it; remove `version`
                risk: events between the delete and the create are NOT caught (a gap of two back-to-back calls); `swap: create-first` overlaps instead, for idempotent workflows
                - vars.x: "event.x"
                + vars.y: "event.y"
                + version: "v2"

        Plan: 0 to create, 2 to replace, 0 to delete.
        """
    )


def test_many_field_reasons_are_folded() -> None:
    live = LiveState(workflows=(wf("w1", "a", *({"noop": {}} for _ in range(5))),))
    desired = Desired(workflows=(DesiredWorkflow("a", []),))
    out = text(make_plan(desired, live, PlanOptions()))
    assert "reason: stages[0] removed, stages[1] removed, stages[2] removed and 2 more\n" in out
    assert out.count("- stages[") == 5


def test_long_filter_is_a_line_diff_with_hunks() -> None:
    lines = [f"event.f{i} == {i}" for i in range(10)]
    changed = [*lines]
    changed[1] = "event.f1 == 100"
    changed[8] = "event.f8 == 800"
    live = LiveState(
        workflows=(wf("w1", "a", {"noop": {}}),),
        triggers=(Trigger("t1", "E", "w1", name="t", filter="\n&& ".join(lines)),),
    )
    desired = Desired(
        workflows=(DesiredWorkflow("a", [{"noop": {}}]),),
        triggers=(DesiredTrigger("t", "a", "E", filter="\n&& ".join(changed)),),
    )
    out = text(make_plan(desired, live, PlanOptions()))
    assert out.split("risk: ")[1].split("\n", 1)[1] == expected(
        """
                ~ filter:
                    event.f0 == 0
                  - && event.f1 == 1
                  + && event.f1 == 100
                    && event.f2 == 2
                  …
                    && event.f7 == 7
                  - && event.f8 == 8
                  + && event.f8 == 800
                    && event.f9 == 9

        Plan: 0 to create, 1 to replace, 0 to delete.
        """
    )


def test_a_filter_added_is_listed_line_by_line() -> None:
    live = LiveState(
        workflows=(wf("w1", "a", {"noop": {}}),),
        triggers=(Trigger("t1", "E", "w1", name="t"),),
    )
    desired = Desired(
        workflows=(DesiredWorkflow("a", [{"noop": {}}]),),
        triggers=(DesiredTrigger("t", "a", "E", filter="a == 1\n|| b == 2", swap="create-first"),),
    )
    out = text(make_plan(desired, live, PlanOptions()))
    assert "        + filter:\n          + a == 1\n          + || b == 2\n" in out


def test_color_only_when_asked(pruning_plan: Plan) -> None:
    plain = render_text(pruning_plan, color=False)
    colored = render_text(pruning_plan, color=True)
    assert "\x1b[" not in plain
    assert click.unstyle(colored) == plain
    assert "  " + click.style("+", fg="green") + " Workflow month-end-interest" in colored
    assert "  " + click.style("-", fg="red") + " Trigger old-thing" in colored
    assert click.style('~ stages[0].send.amount.asset: "USD/2" -> "EUR/2"', fg="yellow") in colored
    assert click.style("Plan: 1 to create, 3 to replace, 2 to delete.", bold=True) in colored


@pytest.mark.parametrize("seed", range(5))
def test_output_does_not_depend_on_the_order_of_live_objects(
    seed: int, scenario: tuple[Desired, LiveState]
) -> None:
    desired, live = scenario
    shuffled = LiveState(
        workflows=tuple(random.Random(seed).sample(live.workflows, len(live.workflows))),
        triggers=tuple(random.Random(seed).sample(live.triggers, len(live.triggers))),
    )
    options = PlanOptions("production", "payments", prune=True)
    assert text(make_plan(desired, shuffled, options)) == text(make_plan(desired, live, options))


def test_created_trigger_shows_its_body_as_yaml_with_block_filters() -> None:
    plan = make_plan(
        Desired(
            workflows=(DesiredWorkflow("w", [{"noop": {}}]),),
            triggers=(
                DesiredTrigger(
                    name="t",
                    workflow="w",
                    event="SAVED_PAYMENT",
                    filter='// a comment\nevent.type == "PAY-IN"',
                    vars={"id": "event.id"},
                ),
            ),
        ),
        LiveState(),
        PlanOptions("local"),
    )
    out = text(plan)
    assert out[out.index("  + Trigger") :] == expected(
        """
          + Trigger t   (create)
                + workflow: w
                + event: SAVED_PAYMENT
                + filter: |-
                +   // a comment
                +   event.type == "PAY-IN"
                + vars:
                +   id: event.id

        Plan: 2 to create, 0 to replace, 0 to delete.
        """
    )
