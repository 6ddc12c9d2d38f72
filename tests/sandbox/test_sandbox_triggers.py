"""SERVER_BEHAVIOR.md rows about triggers: creation, reads, deletes and the test endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_support import ZERO_UUID, Api

pytestmark = pytest.mark.usefixtures("expr")


def test_trigger_shape_workflow_null_name_empty(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    assert trigger["workflow"] is None
    assert trigger["name"] == ""
    assert trigger["workflowID"] == workflow["id"]
    assert "filter" not in trigger
    assert "vars" not in trigger
    assert "version" not in trigger
    named = api.create_trigger(
        workflow["id"], name="n", filter="event.a == 1", vars={"x": "event.a"}, version="v2"
    )
    assert named["name"] == "n"
    assert named["filter"] == "event.a == 1"
    assert named["vars"] == {"x": "event.a"}
    assert named["version"] == "v2"


def test_empty_filter_is_stored_as_is(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], filter="")
    assert trigger["filter"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"workflowID": "w"},
        {"event": "E"},
        {"event": "", "workflowID": "w"},
        {"event": "E", "workflowID": "w", "filter": "event.a =="},
        {"event": "E", "workflowID": "w", "vars": {"x": "event.("}},
    ],
)
def test_missing_fields_or_uncompilable_expression_is_400(api: Api, body: dict[str, Any]) -> None:
    workflow = api.create_workflow()
    body = {k: (workflow["id"] if v == "w" else v) for k, v in body.items()}
    resp = api.request("POST", "/triggers", json=body)
    assert resp.status_code == 400, resp.text
    assert resp.json()["errorCode"] == "VALIDATION"


def test_compilation_is_syntax_only(api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], filter="a + b", vars={"v": "unknown.field"})


def test_missing_or_deleted_workflow_is_404(api: Api) -> None:
    resp = api.request("POST", "/triggers", json={"event": "E", "workflowID": ZERO_UUID})
    assert resp.status_code == 404
    workflow = api.create_workflow()
    api.request("DELETE", f"/workflows/{workflow['id']}")
    resp = api.request("POST", "/triggers", json={"event": "E", "workflowID": workflow["id"]})
    assert resp.status_code == 404
    assert resp.json()["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "content",
    [b"{nope", b'{"event": "E", "workflowID": "W", "vars": {"x": 1}}', b'{"event": 1}'],
)
def test_malformed_json_or_non_string_var_is_500(api: Api, content: bytes) -> None:
    workflow = api.create_workflow()
    content = content.replace(b'"W"', f'"{workflow["id"]}"'.encode())
    resp = api.request(
        "POST", "/triggers", content=content, headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 500
    assert resp.json()["errorCode"] == "INTERNAL"


def test_delete_trigger_soft_204_unknown_404(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    assert api.request("DELETE", f"/triggers/{trigger['id']}").status_code == 204
    assert trigger["id"] not in {t["id"] for t in api.list_all("/triggers")}
    resp = api.request("DELETE", f"/triggers/{ZERO_UUID}")
    assert resp.status_code == 404
    assert resp.json()["errorCode"] == "NOT_FOUND"


def test_v1_and_v2_read_the_same_trigger(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], name="t")
    v1 = api.request("GET", f"/triggers/{trigger['id']}", "v1").json()["data"]
    assert v1 == trigger


# -- test endpoint ------------------------------------------------------------------------------


def _test(api: Api, trigger_id: str, payload: Any) -> dict[str, Any]:
    resp = api.request("POST", f"/triggers/{trigger_id}/test", json=payload)
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()["data"]
    return data


def test_test_without_filter_evaluates_all_vars(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], vars={"id": "event.id", "missing": "event.nope"})
    data = _test(api, trigger["id"], {"id": "p1"})
    assert data["filter"] is None
    assert data["variables"]["id"] == {"value": "p1"}
    assert data["variables"]["missing"] == {"value": "<nil>"}


def test_test_filter_match_then_vars(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(
        workflow["id"], filter='event.status == "OK"', vars={"amount": "event.amount"}
    )
    matched = _test(api, trigger["id"], {"status": "OK", "amount": 100})
    assert matched["filter"] == {"match": True}
    assert matched["variables"] == {"amount": {"value": "100"}}
    missed = _test(api, trigger["id"], {"status": "KO", "amount": 100})
    assert missed["filter"] == {"match": False}
    assert missed["variables"] is None


def test_test_non_boolean_filter_is_no_match_without_error(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], filter="event.id", vars={"a": "event.id"})
    data = _test(api, trigger["id"], {"id": "x"})
    assert data["filter"] == {"match": False}
    assert data["variables"] is None


def test_test_failing_expression_still_answers_200(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], filter="event.s + 1 > 0")
    data = _test(api, trigger["id"], {"s": "text"})
    assert data["filter"]["match"] is False
    assert data["filter"]["error"] != ""


def test_test_evaluates_an_empty_filter(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], filter="")
    data = _test(api, trigger["id"], {})
    assert data["filter"] is not None
    assert data["filter"]["match"] is False


def test_test_unknown_trigger_is_500_and_v1_has_no_test(api: Api) -> None:
    assert api.request("POST", f"/triggers/{ZERO_UUID}/test", json={}).status_code == 500
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    assert api.request("POST", f"/triggers/{trigger['id']}/test", "v1", json={}).status_code == 404


def test_test_does_not_depend_on_event_name(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], event="NEVER_EMITTED", vars={"a": "event.a"})
    assert _test(api, trigger["id"], {"a": "z"})["variables"]["a"]["value"] == "z"
