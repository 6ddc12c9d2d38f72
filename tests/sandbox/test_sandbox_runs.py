"""Instances: stages run the way the service runs them (minus the money)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from sandbox_support import ZERO_UUID, Api

from orchctl.sandbox import Sandbox

SEND = {
    "send": {
        "source": {"account": {"id": "${from}", "ledger": "${ledger}"}},
        "destination": {"account": {"id": "users:${user}"}},
        "amount": {"amount": "${amount}", "asset": "USD/2"},
        "metadata": {"${k}": "${v}"},
    }
}


def _history(api: Api, instance_id: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = api.request("GET", f"/instances/{instance_id}/history").json()[
        "data"
    ]
    return data


def test_run_interpolates_with_defaults_and_records_history(api: Api) -> None:
    workflow = api.create_workflow([SEND])
    instance = api.run(workflow["id"], {"from": "world", "user": "42", "amount": "1500", "v": "x"})
    assert instance["terminated"] is True
    assert "error" not in instance
    assert [s["stage"] for s in instance["status"]] == [0]
    (entry,) = _history(api, instance["id"])
    assert entry["name"] == "RunSend"
    assert entry["terminated"] is True
    assert entry["input"]["source"]["account"] == {
        "id": "world",
        "ledger": "default",  # "${ledger}" became "" and the default applied
        "throughAccount": "world",
        "allowOverdraft": False,
    }
    assert entry["input"]["destination"]["account"]["id"] == "users:42"
    assert entry["input"]["amount"] == {"amount": 1500, "asset": "USD/2"}
    assert entry["input"]["metadata"] == {"${k}": "x"}  # keys are not interpolated
    (activity,) = api.request("GET", f"/instances/{instance['id']}/stages/0/history").json()["data"]
    assert activity["name"] == "CreateTransaction"
    posting = activity["input"]["CreateTransaction"]["data"]["postings"][0]
    assert posting == {
        "source": "world",
        "destination": "users:42",
        "amount": 1500,
        "asset": "USD/2",
    }


def test_update_default_ledger_is_main(api: Api) -> None:
    workflow = api.create_workflow([{"update": {"account": {"id": "a", "metadata": {"k": "v"}}}}])
    instance = api.run(workflow["id"])
    (entry,) = _history(api, instance["id"])
    assert entry["input"] == {"account": {"id": "a", "ledger": "main", "metadata": {"k": "v"}}}


@pytest.mark.parametrize(
    ("stage", "fragment"),
    [
        ({"send": {"source": {}, "destination": {"account": {"id": "b"}}}}, "source"),
        (
            {"send": {"source": {"account": {"id": "a"}}, "destination": {"account": {"id": "b"}}}},
            "amount",
        ),
        (
            {
                "send": {
                    "source": {"account": {"id": "a"}},
                    "destination": {"account": {"id": "b"}},
                    "amount": {"amount": "${n}", "asset": "USD"},
                }
            },
            "amount",
        ),
        (
            {
                "send": {
                    "source": {"payment": {"id": "p"}},
                    "destination": {"payment": {"psp": "stripe"}},
                }
            },
            "payment",
        ),
        ({"delay": {}}, "exactly one"),
        ({"wait_event": {}}, "event"),
        ({"update": {"account": {"id": "a"}}}, "metadata"),
        (
            {
                "send": {
                    "source": {"account": {"id": "${missing}"}},
                    "destination": {"account": {"id": "b"}},
                    "amount": {"amount": 1, "asset": "U"},
                }
            },
            "id",
        ),
    ],
)
def test_run_time_requirement_errors_terminate_the_instance(
    api: Api, stage: dict[str, Any], fragment: str
) -> None:
    workflow = api.create_workflow([{"noop": {}}, stage, {"noop": {}}])
    instance = api.run(workflow["id"])
    assert instance["terminated"] is True
    assert fragment in instance["error"]
    assert [s["stage"] for s in instance["status"]] == [0, 1]
    assert fragment in instance["status"][1]["error"]
    history = _history(api, instance["id"])
    assert fragment in history[1]["error"]


def test_run_time_decoding_uses_the_runs_variables(api: Api) -> None:
    stages = [
        {"noop": {}},
        {
            "send": {
                "source": {"account": {"id": "${from}", "allowOverdraft": "TRUE"}},
                "destination": {"account": {"id": "b"}},
                "amount": {"amount": "${n}", "asset": "USD"},
            }
        },
        {"delay": {"duration": "${d}"}},
    ]
    workflow = api.create_workflow(stages)
    ok = api.run(workflow["id"], {"from": "a", "n": "12345678901234567891", "d": "1ms"})
    assert "error" not in ok, ok
    (send,) = [h for h in _history(api, ok["id"]) if h["name"] == "RunSend"]
    assert send["input"]["amount"] == {"amount": 12345678901234567891, "asset": "USD"}
    assert send["input"]["source"]["account"]["allowOverdraft"] is True
    bad = api.run(workflow["id"], {"from": "a", "n": "1", "d": "soon"})
    assert bad["error"] == (
        "resolving field 'Duration': unable to resolve field 'Duration' to duration value"
    )
    assert [s["stage"] for s in bad["status"]] == [0, 1, 2]
    worse = api.run(workflow["id"], {"from": "a", "n": "1x", "d": "1ms"})
    assert worse["error"] == (
        "resolving field 'Amount': resolving field 'Amount': unable to parse '1x' as big int"
    )
    # "${x}" in a bool field can never be created: the check runs with no variables
    bool_var = {"send": {**stages[1]["send"], "source": {"account": {"allowOverdraft": "${x}"}}}}
    resp = api.request("POST", "/workflows", json={"stages": [bool_var]})
    assert resp.status_code == 500


def test_delay_is_time_scaled(api: Api) -> None:
    workflow = api.create_workflow([{"delay": {"duration": "10m"}}])  # 0.6 s at 0.001
    started = time.monotonic()
    instance = api.run(workflow["id"])
    elapsed = time.monotonic() - started
    assert instance["terminated"] is True
    assert 0.4 < elapsed < 5


def test_delay_until_in_the_past_finishes_at_once(api: Api) -> None:
    workflow = api.create_workflow([{"delay": {"until": "2000-01-01T00:00:00Z"}}])
    assert api.run(workflow["id"])["terminated"] is True


def test_run_without_wait_returns_at_once(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow([{"delay": {"duration": "1h"}}])
    instance = api.run(workflow["id"], wait=False)
    assert instance["terminated"] is False
    got = api.request("GET", f"/instances/{instance['id']}").json()["data"]
    assert got["id"] == instance["id"]


def test_wait_event_is_released_by_send_event(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow([{"wait_event": {"event": "approved"}}, {"noop": {}}])
    instance = api.run(workflow["id"], wait=False)
    _wait_for(api, instance["id"], lambda d: len(d.get("status", [])) == 1)
    other = api.request("POST", f"/instances/{instance['id']}/events", json={"name": "other"})
    assert other.status_code == 204
    assert api.request("GET", f"/instances/{instance['id']}").json()["data"]["terminated"] is False
    resp = api.request("POST", f"/instances/{instance['id']}/events", json={"name": "approved"})
    assert resp.status_code == 204
    done = sandbox.wait_instance(instance["id"])
    assert done["terminated"] is True
    assert "error" not in done
    assert [s["stage"] for s in done["status"]] == [0, 1]


def test_event_sent_before_the_wait_is_buffered(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow([{"delay": {"duration": "5m"}}, {"wait_event": {"event": "go"}}])
    instance = api.run(workflow["id"], wait=False)
    api.request("POST", f"/instances/{instance['id']}/events", json={"name": "go"})
    assert sandbox.wait_instance(instance["id"])["terminated"] is True


def test_abort_terminates_and_abort_again_is_500(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow([{"wait_event": {"event": "never"}}])
    instance = api.run(workflow["id"], wait=False)
    _wait_for(api, instance["id"], lambda d: len(d.get("status", [])) == 1)
    assert api.request("PUT", f"/instances/{instance['id']}/abort").status_code == 204
    got = api.request("GET", f"/instances/{instance['id']}").json()["data"]
    assert got["terminated"] is True
    assert got["error"] == "canceled"
    assert api.request("PUT", f"/instances/{instance['id']}/abort").status_code == 500
    late = api.request("POST", f"/instances/{instance['id']}/events", json={"name": "never"})
    assert late.status_code == 500


def test_unknown_instance_is_500_its_stage_history_404(api: Api) -> None:
    for path in ("", "/history"):
        assert api.request("GET", f"/instances/{ZERO_UUID}{path}").status_code == 500
    resp = api.request("GET", f"/instances/{ZERO_UUID}/stages/0/history")
    assert resp.status_code == 404
    assert resp.json() == {"errorCode": "NOT_FOUND", "errorMessage": "Instance not found"}


def test_run_body_must_be_a_string_map(api: Api) -> None:
    workflow = api.create_workflow()
    resp = api.request("POST", f"/workflows/{workflow['id']}/instances", json={"n": 1})
    assert resp.status_code == 400
    empty = api.request("POST", f"/workflows/{workflow['id']}/instances")
    assert empty.status_code == 201


def test_instances_survive_a_restart_and_resume(tmp_path: Any) -> None:
    db = str(tmp_path / "state.db")
    with Sandbox(db, time_scale=0.001) as box, box.client() as client:
        workflow = client.post("/v2/workflows", json={"stages": [{"wait_event": {"event": "go"}}]})
        workflow_id = workflow.json()["data"]["id"]
        instance_id = client.post(f"/v2/workflows/{workflow_id}/instances").json()["data"]["id"]
        time.sleep(0.05)
    with Sandbox(db, time_scale=0.001) as box, box.client() as client:
        assert (
            client.post(f"/v2/instances/{instance_id}/events", json={"name": "go"}).status_code
            == 204
        )
        assert box.wait_instance(instance_id)["terminated"] is True


def _wait_for(api: Api, instance_id: str, check: Any, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = api.request("GET", f"/instances/{instance_id}").json()["data"]
        if check(data):
            return data
        assert time.monotonic() < deadline, data
        time.sleep(0.01)


def test_instance_shape_workflow_object_run_ids_and_history_names(api: Api) -> None:
    stages = [
        {"noop": {}},
        {"delay": {"duration": "1ms"}},
        {"update": {"account": {"id": "a", "metadata": {"k": "v"}}}},
        {"wait_event": {"event": "go"}},
    ]
    workflow = api.create_workflow(stages)
    started = api.run(workflow["id"], wait=False)
    assert "workflow" not in started  # RunWorkflow answers the row as inserted
    assert "status" not in started
    _wait_for(api, started["id"], lambda d: len(d.get("status", [])) == 4)
    api.request("POST", f"/instances/{started['id']}/events", json={"name": "go"})
    done = _wait_for(api, started["id"], lambda d: d["terminated"])
    assert done["workflow"] == workflow
    run_ids = {s["temporalRunID"] for s in done["status"]}
    assert len(run_ids) == 1  # the "-main" child's run id, shared by its stages
    uuid.UUID(run_ids.pop())
    assert [s["instanceID"] for s in done["status"]] == [started["id"]] * 4
    names = [h["name"] for h in _history(api, started["id"])]
    assert names == ["RunNoOp", "RunDelay", "RunUpdate", "RunWaitEvent"]
    listed = api.list_all("/instances")
    assert listed[0]["workflow"]["id"] == workflow["id"]
    waited = api.run(api.create_workflow([{"noop": {}}])["id"])  # ?wait=true: GetInstance
    assert waited["workflow"]["config"]["stages"] == [{"noop": {}}]


@pytest.mark.parametrize("number", ["4", "99", "-1", "x", "1.0", "9223372036854775808"])
def test_stage_number_past_the_last_or_not_an_integer_is_404(api: Api, number: str) -> None:
    workflow = api.create_workflow([{"noop": {}}] * 4)
    instance = api.run(workflow["id"])
    assert api.request("GET", f"/instances/{instance['id']}/stages/3/history").status_code == 200
    resp = api.request("GET", f"/instances/{instance['id']}/stages/{number}/history")
    assert resp.status_code == 404
    if number.lstrip("-").isdigit() and int(number) < 2**63:
        assert resp.json() == {"errorCode": "NOT_FOUND", "errorMessage": "Instance not found"}
    else:  # strconv.ParseInt failed: WriteHeader(404), no body
        assert resp.content == b""
