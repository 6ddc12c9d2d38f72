"""SERVER_BEHAVIOR.md rows about triggers: creation, reads, deletes and the test endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_support import ZERO_UUID, Api

from orchctl.sandbox import Sandbox
from orchctl.sandbox.errors import NO_ROWS

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


BOTH = pytest.mark.parametrize("profile", ["current", "patched"])


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_deleted_trigger_is_not_readable_and_deleting_it_again_is_404(
    api: Api, version: str
) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    path = f"/triggers/{trigger['id']}"
    assert api.request("DELETE", path, version).status_code == 204
    for method in ("GET", "DELETE"):
        resp = api.request(method, path, version)
        assert resp.status_code == 404, method
        assert resp.json() == {"errorCode": "NOT_FOUND", "errorMessage": NO_ROWS}
    # the occurrences of a deleted trigger stay listed (the query does not join triggers)
    assert api.request("GET", f"{path}/occurrences", version).status_code == 200


@BOTH
def test_testing_a_deleted_trigger_is_no_rows(api: Api, profile: str) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], filter="true")
    api.request("DELETE", f"/triggers/{trigger['id']}")
    resp = api.request("POST", f"/triggers/{trigger['id']}/test", json={"id": "p"})
    if profile == "patched":  # fix/api-error-mapping: sql.ErrNoRows -> 404
        assert resp.status_code == 404
        assert resp.json() == {"errorCode": "NOT_FOUND", "errorMessage": NO_ROWS}
    else:
        assert resp.status_code == 500
        assert resp.json() == {"errorCode": "INTERNAL", "errorMessage": NO_ROWS}


@BOTH
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1]", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
        (b'"x"', "json: cannot unmarshal string into Go value of type map[string]interface {}"),
        (b"", "EOF"),
        (b"{", None),
    ],
)
def test_a_test_body_that_is_not_a_json_object_is_500(
    api: Api, profile: str, body: bytes, message: str | None
) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    resp = api.request(
        "POST",
        f"/triggers/{trigger['id']}/test",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    expected = 400 if profile == "patched" else 500  # the body is decoded first
    assert resp.status_code == expected
    if message is not None:
        assert resp.json()["errorMessage"] == message
    null = api.request("POST", f"/triggers/{trigger['id']}/test", content=b"null")
    assert null.status_code == 200  # null decodes to an empty map
    assert null.json()["data"] == {"filter": None, "variables": None}


def test_version_empty_is_kept_and_vars_empty_omitted(api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], version="", vars={})
    assert trigger["version"] == ""
    assert "vars" not in trigger
    assert api.request("GET", f"/triggers/{trigger['id']}").json()["data"] == trigger
    plain = api.create_trigger(workflow["id"], version=None, vars=None)
    assert "version" not in plain
    assert "vars" not in plain
    tested = api.request("POST", f"/triggers/{trigger['id']}/test", json={}).json()["data"]
    assert tested == {"filter": None, "variables": None}


def test_a_null_var_value_decodes_to_empty_and_fails_to_compile(api: Api) -> None:
    workflow = api.create_workflow()
    body = {"event": "E", "workflowID": workflow["id"], "vars": {"a": None}}
    resp = api.request("POST", "/triggers", json=body)
    assert resp.status_code == 400
    error = resp.json()
    assert error["errorCode"] == "VALIDATION"
    assert error["errorMessage"].startswith("validating data: error compiling expression '': ")


@BOTH
def test_an_undecodable_trigger_body_is_500_or_400(api: Api, profile: str) -> None:
    resp = api.request(
        "POST", "/triggers", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == (400 if profile == "patched" else 500)


@pytest.mark.parametrize(
    ("query", "count"),
    [({}, 15), ({"pageSize": "3"}, 3), ({"pageSize": "100"}, 100), ({"pageSize": "500"}, 100)],
)
def test_v1_triggers_list_honours_page_size(
    sandbox: Sandbox, api: Api, query: dict[str, str], count: int
) -> None:
    sandbox.bulk_seed(triggers=120)
    resp = api.request("GET", "/triggers", "v1", params=query)
    assert resp.status_code == 200
    assert len(resp.json()["data"]) == count


@pytest.mark.parametrize("value", ["x", "+5", "-1", "1.5", "99999999999", "4294967296"])
def test_v1_triggers_list_rejects_a_bad_page_size(api: Api, value: str) -> None:
    resp = api.request("GET", "/triggers", "v1", params={"pageSize": value})
    assert resp.status_code == 400
    assert resp.json() == {
        "errorCode": "VALIDATION",
        "errorMessage": "invalid 'pageSize' query param",
    }
