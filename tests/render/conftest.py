"""Plans made by the real planner, covering every action and every finding category."""

from __future__ import annotations

from datetime import UTC, datetime

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

SEND_USD = {"send": {"amount": {"amount": "${amount}", "asset": "USD/2"}}}
SEND_EUR = {"send": {"amount": {"amount": "${amount}", "asset": "EUR/2"}}}
REFUND = {"delay": {"duration": "1h"}}
OLD_FILTER = 'event.amount > 10000\n&& event.status == "SUCCEEDED"\n&& event.type == "PAY-IN"'
NEW_FILTER = 'event.amount > 50000\n&& event.status == "SUCCEEDED"\n&& event.type == "PAY-IN"'

DESIRED = Desired(
    workflows=(
        DesiredWorkflow("month-end-interest", [{"noop": {}}]),
        DesiredWorkflow("payin-to-wallet", [SEND_EUR, {"noop": {}}, {"noop": {}}]),
        DesiredWorkflow("refunds", [REFUND]),
    ),
    triggers=(
        DesiredTrigger(
            "credit-wallet-on-payin",
            "payin-to-wallet",
            "SAVED_PAYMENT",
            filter='event.status == "SUCCEEDED"',
            vars={"paymentID": "event.id"},
        ),
        DesiredTrigger(
            "flag-high-value-transactions",
            "refunds",
            "SAVED_PAYMENT",
            filter=NEW_FILTER,
            swap="create-first",
        ),
        DesiredTrigger("notify-refund", "refunds", "SAVED_REFUND"),
    ),
)


def _at(day: int) -> datetime:
    return datetime(2024, 1, day, tzinfo=UTC)


def _wf(id_: str, name: str, stages: list[dict[str, object]], day: int = 1) -> Workflow:
    return Workflow(id_, WorkflowConfig(stages=tuple(stages), name=name), created_at=_at(day))


LIVE = LiveState(
    workflows=(
        _wf("wf-payin", "payments/payin-to-wallet", [SEND_USD, {"noop": {}}]),
        _wf("wf-refunds", "payments/refunds", [REFUND], day=1),
        _wf("wf-refunds-2", "payments/refunds", [REFUND], day=2),
        _wf("wf-other", "other-team/reporting", [{"noop": {}}]),
    ),
    triggers=(
        Trigger(
            "tr-credit",
            "SAVED_PAYMENT",
            "wf-payin",
            name="payments/credit-wallet-on-payin",
            filter='event.status == "SUCCEEDED"',
            vars={"paymentID": "event.id"},
        ),
        Trigger(
            "tr-flag",
            "SAVED_PAYMENT",
            "wf-refunds",
            name="payments/flag-high-value-transactions",
            filter=OLD_FILTER,
        ),
        Trigger("tr-notify", "SAVED_REFUND", "wf-refunds", name="payments/notify-refund"),
        Trigger("tr-old", "SAVED_PAYMENT", "wf-refunds", name="payments/old-thing"),
        # not managed: one points at the workflow this plan replaces (blocked), one at
        # nothing (dangling), one at another team's workflow (unmanaged)
        Trigger("tr-legacy", "SAVED_PAYMENT", "wf-payin", name="legacy-hook"),
        Trigger("tr-ghost", "SAVED_PAYMENT", "wf-gone", name="ghost"),
        Trigger("tr-report", "SAVED_PAYMENT", "wf-other", name="other-team/report"),
    ),
)


def plan_for(*, prune: bool, force: bool = False) -> Plan:
    options = PlanOptions("production", "payments", prune=prune, force=force)
    return make_plan(DESIRED, LIVE, options)


@pytest.fixture
def pruning_plan() -> Plan:
    """Every action: create, replace (workflow; trigger delete-first and create-first),
    delete (prune), remove duplicate, no-op; findings blocked, dangling, unmanaged."""
    return plan_for(prune=True)


@pytest.fixture
def orphan_plan() -> Plan:
    """The same without --prune: old-thing is an orphan instead of a deletion."""
    return plan_for(prune=False)


@pytest.fixture
def empty_plan() -> Plan:
    live = LiveState(workflows=(_wf("wf-1", "payments/refunds", [REFUND]),))
    desired = Desired(workflows=(DesiredWorkflow("refunds", [REFUND]),))
    return make_plan(desired, live, PlanOptions("staging", "payments"))


@pytest.fixture
def scenario() -> tuple[Desired, LiveState]:
    """The desired definitions and live state behind `pruning_plan`."""
    return DESIRED, LIVE
