"""Live events (sandbox-only): matching, occurrences, instances; link()."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_support import Api

from orchctl.sandbox import Sandbox

pytestmark = pytest.mark.usefixtures("expr")


def _emit(
    http: httpx.Client, event_type: str, payload: Any, version: str | None = None
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"type": event_type, "payload": payload}
    if version is not None:
        body["version"] = version
    resp = http.post("/_sandbox/events", json=body)
    assert resp.status_code == 200, resp.text
    data: list[dict[str, Any]] = resp.json()["data"]
    return data


def test_matching_trigger_starts_an_instance_with_its_vars(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow([{"noop": {}}])
    trigger = api.create_trigger(
        workflow["id"],
        filter='event.status == "SUCCEEDED"',
        vars={"id": "event.id", "amount": "event.amount"},
    )
    (occurrence,) = _emit(http, "SAVED_PAYMENT", {"id": "p1", "status": "SUCCEEDED", "amount": 100})
    assert occurrence["triggerID"] == trigger["id"]
    assert "error" not in occurrence
    instance = sandbox.wait_instance(occurrence["workflowInstanceID"])
    assert instance["workflowID"] == workflow["id"]
    doc = sandbox.runner.get(instance["id"])
    assert doc["_sandbox"]["vars"] == {"id": "p1", "amount": "100"}
    assert _emit(http, "SAVED_PAYMENT", {"id": "p2", "status": "FAILED"}) == []
    assert _emit(http, "OTHER_EVENT", {"status": "SUCCEEDED"}) == []
    listed = api.list_all(f"/triggers/{trigger['id']}/occurrences")
    assert len(listed) == 1
    assert listed[0]["workflowInstance"]["id"] == instance["id"]
    v1 = api.request("GET", f"/triggers/{trigger['id']}/occurrences", "v1").json()["data"]
    assert [o["workflowInstanceID"] for o in v1] == [instance["id"]]


def test_all_matching_triggers_fire_and_empty_filter_is_skipped(
    http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], filter="")
    api.create_trigger(workflow["id"])
    assert len(_emit(http, "SAVED_PAYMENT", {})) == 2


def test_triggers_of_a_deleted_workflow_still_fire(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"])
    api.request("DELETE", f"/workflows/{workflow['id']}")
    (occurrence,) = _emit(http, "SAVED_PAYMENT", {})
    assert sandbox.wait_instance(occurrence["workflowInstanceID"])["terminated"] is True


def test_deleted_triggers_do_not_fire(http: httpx.Client, api: Api) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    api.request("DELETE", f"/triggers/{trigger['id']}")
    assert _emit(http, "SAVED_PAYMENT", {}) == []


def test_version_must_match_when_set(http: httpx.Client, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], version="v2")
    assert _emit(http, "SAVED_PAYMENT", {}, "v1") == []
    assert len(_emit(http, "SAVED_PAYMENT", {}, "v2")) == 1


def test_evaluation_errors_are_recorded_on_the_occurrence(http: httpx.Client, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], filter="event.s + 1 > 0")
    (occurrence,) = _emit(http, "SAVED_PAYMENT", {"s": "text"})
    assert occurrence["error"]
    assert "workflowInstanceID" not in occurrence


def test_link_resolves_through_configured_resources(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    assert (
        http.put(
            "/_sandbox/links", json={"/api/payments/p1": {"id": "p1", "amount": 7}}
        ).status_code
        == 200
    )
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], vars={"amount": 'link(event, "payment").amount'})
    event = {"links": [{"name": "payment", "href": "/api/payments/p1"}]}
    result = api.request("POST", f"/triggers/{trigger['id']}/test", json=event).json()["data"]
    assert result["variables"]["amount"] == {"value": "7", "error": ""}
    broken = {"links": [{"name": "payment", "href": "/api/payments/unknown"}]}
    result = api.request("POST", f"/triggers/{trigger['id']}/test", json=broken).json()["data"]
    assert result["variables"]["amount"]["error"]


def test_emit_from_python(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], event="E")
    assert len(sandbox.emit("E", {"a": 1})) == 1


def test_events_endpoint_validates_its_body(http: httpx.Client) -> None:
    assert http.post("/_sandbox/events", json={"payload": {}}).status_code == 400
    assert http.post("/_sandbox/events", json=[1]).status_code == 400
