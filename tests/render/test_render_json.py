"""The JSON plan: valid against schemas/plan.schema.json, complete, deterministic."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from orchctl import __version__
from orchctl.api.models import LiveState, Workflow, WorkflowConfig
from orchctl.plan.model import Plan
from orchctl.plan.planner import Desired, DesiredWorkflow, PlanOptions, make_plan
from orchctl.render.json import plan_to_json, render_json
from orchctl.validation.schemas import schema_dir, validator


def errors(document: Any) -> list[str]:
    return [e.message for e in validator("plan").iter_errors(document)]


def by_name(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(c["kind"], c["name"], c["action"]): c for c in document["changes"]}


def test_schema_is_draft_2020_12_with_its_id() -> None:
    schema = json.loads((schema_dir() / "plan.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://orchctl.dev/schemas/plan.schema.json"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", ["pruning_plan", "orphan_plan", "empty_plan"])
def test_rendered_plans_are_valid(name: str, request: pytest.FixtureRequest) -> None:
    plan: Plan = request.getfixturevalue(name)
    document = json.loads(render_json(plan))
    assert errors(document) == []
    assert document == plan_to_json(plan)


def test_document_fields(pruning_plan: Plan) -> None:
    document = plan_to_json(pruning_plan)
    assert document["format_version"] == "1"
    assert document["orchctl_version"] == __version__
    assert (document["environment"], document["namespace"]) == ("production", "payments")
    assert document["summary"] == {"create": 1, "replace": 3, "delete": 2, "no_op": 2}
    assert document["options"] == {"allow_empty": False, "force": False, "prune": True}
    assert [(c["kind"], c["name"], c["action"], c["symbol"]) for c in document["changes"]] == [
        ("Workflow", "month-end-interest", "create", "+"),
        ("Workflow", "payin-to-wallet", "replace", "+/-"),
        ("Workflow", "refunds", "no-op", "="),
        ("Workflow", "refunds", "remove-duplicate", "x"),
        ("Trigger", "credit-wallet-on-payin", "replace", "-/+"),
        ("Trigger", "flag-high-value-transactions", "replace", "+/-"),
        ("Trigger", "notify-refund", "no-op", "="),
        ("Trigger", "old-thing", "delete", "-"),
    ]
    found = [(f["category"], f["kind"], f["id"]) for f in document["findings"]]
    assert found == [(f.category, f.kind, f.id) for f in pruning_plan.findings]  # plan order
    assert sorted(found) == [
        ("blocked", "Trigger", "tr-legacy"),
        ("dangling", "Trigger", "tr-ghost"),
        ("unmanaged", "Trigger", "tr-report"),
        ("unmanaged", "Workflow", "wf-other"),
    ]


def test_change_entries(pruning_plan: Plan) -> None:
    changes = by_name(plan_to_json(pruning_plan))
    payin = changes["Workflow", "payin-to-wallet", "replace"]
    assert payin["stack_name"] == "payments/payin-to-wallet"
    assert payin["live_ids"] == ["wf-payin"]
    assert payin["swap"] is None
    assert payin["reasons"] == ["stages[0].send.amount.asset changed", "stages[2] added"]
    assert payin["reason_codes"][1] == {"code": "field", "path": "stages[2]", "change": "added"}
    assert payin["risks"] == []
    assert payin["diff"] == [
        {
            "path": "stages[0].send.amount.asset",
            "change": "changed",
            "before": "USD/2",
            "after": "EUR/2",
        },
        {"path": "stages[2]", "change": "added", "before": None, "after": {"noop": {}}},
    ]
    assert payin["after"]["stages"][0] == {
        "send": {"amount": {"amount": "${amount}", "asset": "EUR/2"}}
    }
    credit = changes["Trigger", "credit-wallet-on-payin", "replace"]
    assert (credit["swap"], credit["workflow"]) == ("delete-first", "payin-to-wallet")
    assert credit["reasons"] == ["workflow payin-to-wallet replaced"]
    assert credit["reason_codes"] == [{"code": "workflow-replaced", "workflow": "payin-to-wallet"}]
    assert [r["code"] for r in credit["risks"]] == ["gap", "once-per-object-reset"]
    assert credit["risks"][1]["event"] == "SAVED_PAYMENT"
    assert credit["risks"][1]["message"].startswith("once-per-object memory lost: payments")
    assert credit["diff"] == []
    flag = changes["Trigger", "flag-high-value-transactions", "replace"]
    assert flag["swap"] == "create-first"
    noop = changes["Trigger", "notify-refund", "no-op"]
    assert (noop["live_ids"], noop["before"], noop["after"]) == (["tr-notify"], None, None)
    duplicate = changes["Workflow", "refunds", "remove-duplicate"]
    assert duplicate["live_ids"] == ["wf-refunds-2"]
    assert duplicate["reasons"] == ["extra live copy (keeping wf-refunds)"]
    old = changes["Trigger", "old-thing", "delete"]
    assert (old["before"], old["after"]) == ({"event": "SAVED_PAYMENT"}, None)


def test_key_order_of_live_bodies_does_not_matter() -> None:
    def plan(stage: dict[str, Any]) -> str:
        live = LiveState(workflows=(Workflow("w", WorkflowConfig(stages=(stage,), name="a")),))
        desired = Desired(workflows=(DesiredWorkflow("a", [{"noop": {}}]),))
        return render_json(make_plan(desired, live, PlanOptions()))

    first = plan({"send": {"source": {"wallet": {"id": "1"}}, "amount": {"asset": "X"}}})
    second = plan({"send": {"amount": {"asset": "X"}, "source": {"wallet": {"id": "1"}}}})
    assert first == second
    assert first.index('"amount"') < first.index('"source"')


def test_non_finite_numbers_stay_valid_json() -> None:
    live = LiveState(
        workflows=(Workflow("w", WorkflowConfig(stages=({"x": float("nan")},), name="a")),)
    )
    desired = Desired(workflows=(DesiredWorkflow("a", [{"noop": {}}]),))
    rendered = render_json(make_plan(desired, live, PlanOptions()))
    json.loads(rendered, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format_version="2"), "'1' was expected"),
        (lambda d: d["changes"][0].update(symbol="-"), "'+' was expected"),
        (lambda d: d["changes"][1].update(symbol="x"), "is not one of ['-/+', '+/-']"),
        (lambda d: d["changes"][0].update(action="update"), "'update' is not one of"),
        (lambda d: d["changes"][0].pop("live_ids"), "'live_ids' is a required property"),
        (lambda d: d["changes"][0].update(extra=1), "Additional properties"),
        (lambda d: d["findings"][0].update(category="lost"), "'lost' is not one of"),
        (lambda d: d["summary"].update(create=-1), "less than the minimum"),
        (lambda d: d["options"].update(prune="yes"), "'yes' is not of type 'boolean'"),
        (lambda d: d["changes"][1]["diff"][0].update(change="moved"), "'moved' is not one of"),
    ],
)
def test_schema_rejects_malformed_documents(pruning_plan: Plan, mutate: Any, message: str) -> None:
    document = copy.deepcopy(plan_to_json(pruning_plan))
    mutate(document)
    assert any(message in e for e in errors(document)), errors(document)
