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


BOTH = pytest.mark.parametrize("profile", ["current", "patched"])


@BOTH
def test_triggers_of_a_deleted_workflow(
    sandbox: Sandbox, http: httpx.Client, api: Api, profile: str
) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"])
    assert api.request("DELETE", f"/workflows/{workflow['id']}").status_code == 204
    occurrences = _emit(http, "SAVED_PAYMENT", {"id": "p1"})
    if profile == "patched":  # fix/soft-deleted-workflows: they stop firing
        assert occurrences == []
        return
    (occurrence,) = occurrences  # today: still listed, still firing, the deleted one runs
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
    assert _emit(http, "SAVED_PAYMENT", {}) == []
    assert len(_emit(http, "SAVED_PAYMENT", {}, "v2")) == 1


def test_an_empty_version_is_kept_echoed_and_matches_no_versioned_event(
    http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], event="E", version="")
    assert trigger["version"] == ""
    read = api.request("GET", f"/triggers/{trigger['id']}").json()["data"]
    assert read["version"] == ""
    listed = api.list_all("/triggers")
    assert [t["version"] for t in listed] == [""]
    for version in ("v1", "v2", "2"):
        assert _emit(http, "E", {}, version) == []
    # SQL: CASE WHEN version IS NULL THEN true ELSE version = <event's version> END; the
    # stack's events always carry a version, so in practice it never fires
    assert len(_emit(http, "E", {})) == 1


def test_a_filter_failing_on_a_live_event_records_nothing_and_runs_nothing(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow()
    broken = api.create_trigger(workflow["id"], filter="event.s + 1 > 0")
    fine = api.create_trigger(workflow["id"], filter="event.s == 'text'")
    resp = http.post("/_sandbox/events", json={"type": "SAVED_PAYMENT", "payload": {"s": "text"}})
    body = resp.json()
    assert [o["triggerID"] for o in body["data"]] == [fine["id"]]
    ((failed),) = body["filterErrors"]
    assert failed["triggerID"] == broken["id"]
    assert "invalid operation" in failed["error"]
    assert api.list_all(f"/triggers/{broken['id']}/occurrences") == []
    assert len(api.list_all("/instances")) == 1
    assert [e.action for e in sandbox.timeline()] == ["create", "create", "create"]


def test_a_var_failing_is_recorded_on_the_occurrence_and_runs_nothing(
    http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], event="E2", vars={"x": "event.s + 1"})
    (occurrence,) = _emit(http, "E2", {"s": "text"})
    assert occurrence["triggerID"] == trigger["id"]
    assert occurrence["error"].startswith("evaluating var 'x': invalid operation")
    assert "workflowInstanceID" not in occurrence
    assert api.list_all("/instances") == []


@pytest.mark.parametrize("event", ["SAVED_PAYMENT", "SAVED_ACCOUNT"])
def test_once_per_object_per_trigger(
    sandbox: Sandbox, http: httpx.Client, api: Api, event: str
) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], event=event, filter='event.status == "SUCCEEDED"')
    # the filter runs first: a PENDING save does not consume the payment (main, #179)
    assert _emit(http, event, {"id": "p1", "status": "PENDING"}) == []
    assert len(_emit(http, event, {"id": "p1", "status": "SUCCEEDED"})) == 1
    resp = http.post(
        "/_sandbox/events",
        json={"type": event, "payload": {"id": "p1", "status": "SUCCEEDED", "metadata": {}}},
    )
    body = resp.json()
    assert body["data"] == []
    assert body["alreadyProcessed"] == [{"triggerID": trigger["id"], "objectID": "p1"}]
    assert len(_emit(http, event, {"id": "p2", "status": "SUCCEEDED"})) == 1
    assert len(api.list_all(f"/triggers/{trigger['id']}/occurrences")) == 2
    # a replacement (new id) has forgotten p1: it runs again
    api.request("DELETE", f"/triggers/{trigger['id']}")
    replacement = api.create_trigger(
        workflow["id"], event=event, filter='event.status == "SUCCEEDED"'
    )
    (again,) = _emit(http, event, {"id": "p1", "status": "SUCCEEDED"})
    assert again["triggerID"] == replacement["id"]
    runs = [e for e in sandbox.timeline() if e.action == "run"]
    assert runs == []  # runs by triggers are not API writes
    assert len(api.list_all("/instances")) == 3


def test_once_per_object_is_per_trigger_and_survives_a_restart(tmp_path: Any) -> None:
    path = str(tmp_path / "s.db")
    with Sandbox(path, time_scale=0.001) as box:
        http = box.client()
        api = Api(http)
        workflow = api.create_workflow()
        first = api.create_trigger(workflow["id"])
        second = api.create_trigger(workflow["id"])
        fired = box.deliver("SAVED_PAYMENT", {"ID": "p1"})  # Go's decoder folds key case
        assert sorted(o["triggerID"] for o in fired.occurrences) == sorted(
            [first["id"], second["id"]]
        )
    with Sandbox(path, time_scale=0.001) as box:
        again = box.deliver("SAVED_PAYMENT", {"id": "p1"})
        assert again.occurrences == []
        assert sorted(s["triggerID"] for s in again.already_processed) == sorted(
            [first["id"], second["id"]]
        )


def test_other_event_types_run_on_every_match(http: httpx.Client, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], event="SAVED_BALANCE")
    for _ in range(3):
        assert len(_emit(http, "SAVED_BALANCE", {"id": "b1"})) == 1


def test_a_saved_payment_without_a_string_id_is_dropped(http: httpx.Client, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"])
    assert _emit(http, "SAVED_PAYMENT", {"id": 12}) == []  # the listener panics
    assert len(_emit(http, "SAVED_PAYMENT", {"status": "x"})) == 1  # id "" is an id
    assert _emit(http, "SAVED_PAYMENT", {"status": "y"}) == []


LINKS = {
    "http://payments.local/p1": {"body": {"data": {"id": "p1", "amount": 7}}},
    "http://payments.local/gone": {"status": 410},
}


def _test(api: Api, trigger_id: str, payload: Any) -> dict[str, Any]:
    resp = api.request("POST", f"/triggers/{trigger_id}/test", json=payload)
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()["data"]
    return data


def test_link_gets_the_uri_from_the_link_table(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    assert http.put("/_sandbox/links", json=LINKS).status_code == 200
    assert http.get("/_sandbox/links").json()["http://payments.local/gone"] == {
        "status": 410,
        "body": None,
    }
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"], vars={"amount": 'link(event, "payment").amount'})

    def amount(links: Any) -> dict[str, str]:
        result: dict[str, str] = _test(api, trigger["id"], {"links": links})["variables"]["amount"]
        return result

    one = {"name": "payment", "uri": "http://payments.local/p1"}
    assert amount([one, {"name": "other", "uri": "x"}]) == {"value": "7"}
    assert amount([{"Name": "payment", "URI": "http://payments.local/p1"}]) == {"value": "7"}
    assert amount([]) == {"error": "link 'payment' not defined for object"}
    assert amount([one, one]) == {"error": "multiple link 'payment' found for object"}
    gone = {"name": "payment", "uri": "http://payments.local/gone"}
    assert amount([gone]) == {"error": "unexpected status code when reading resource: 410"}
    unknown = {"name": "payment", "uri": "http://payments.local/nope"}
    assert amount([unknown]) == {"error": "unexpected status code when reading resource: 404"}
    assert amount("x")["error"] == (
        "json: cannot unmarshal string into Go struct field object.links of type []api.Link"
    )
    # live: the var's error is on the occurrence; a matching link starts the run
    (failed,) = sandbox.emit("SAVED_PAYMENT", {"id": "a", "links": [gone]})
    assert failed["error"] == (
        "evaluating var 'amount': unexpected status code when reading resource: 410"
    )
    (ran,) = sandbox.emit("SAVED_PAYMENT", {"id": "b", "links": [one]})
    doc = sandbox.runner.get(ran["workflowInstanceID"])
    assert doc["_sandbox"]["vars"] == {"amount": "7"}


def test_link_table_is_checked(sandbox: Sandbox, http: httpx.Client) -> None:
    assert http.put("/_sandbox/links", json={"u": {"data": 1}}).status_code == 400
    assert http.put("/_sandbox/links", json={"u": {"status": "200"}}).status_code == 400
    with pytest.raises(ValueError):
        sandbox.set_links({"u": 1})
    sandbox.set_links({"u": {"body": {"data": {"a": 1}}}})
    assert http.get("/_sandbox/links").json() == {"u": {"status": 200, "body": {"data": {"a": 1}}}}


def test_emit_from_python(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow()
    api.create_trigger(workflow["id"], event="E")
    assert len(sandbox.emit("E", {"a": 1})) == 1


def test_events_endpoint_validates_its_body(http: httpx.Client) -> None:
    assert http.post("/_sandbox/events", json={"payload": {}}).status_code == 400
    assert http.post("/_sandbox/events", json=[1]).status_code == 400
