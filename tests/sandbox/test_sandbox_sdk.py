"""Formance's own Python SDK (formance-sdk-python) runs every seed operation, v1 and v2,
against ``Sandbox.serve`` on 127.0.0.1 with OAuth2 client credentials on.

V2GetServerInfo is the one exception, on purpose: the real router does not serve
``/v2/_info`` (SERVER_BEHAVIOR.md), so the SDK gets a 404 there and clients fall back to
the v1 ``/_info``, which works.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from orchctl.sandbox import Sandbox

sdk_module = pytest.importorskip("formance_sdk_python")

pytestmark = pytest.mark.socket

STAGES = [
    {"noop": {}},
    {
        "send": {
            "source": {"account": {"id": "world"}},
            "destination": {"account": {"id": "users:${user}"}},
            "amount": {"amount": "100", "asset": "USD/2"},
        }
    },
    {"update": {"account": {"id": "users:${user}", "metadata": {"k": "v"}}}},
    {"wait_event": {"event": "go"}},
]


@pytest.fixture
def sdk() -> Iterator[tuple[Any, Sandbox]]:
    from formance_sdk_python import SDK
    from formance_sdk_python.models import shared

    with Sandbox(time_scale=0.001, auth=["sdk-client:sdk-secret"]) as box:
        server = box.serve("127.0.0.1", 0)
        client = SDK(
            server_url=server.url,
            security=shared.Security(client_id="sdk-client", client_secret="sdk-secret"),
        )
        yield client, box
        server.shutdown()


def _waiting(box: Sandbox, instance_id: str) -> None:
    deadline = time.monotonic() + 5
    while box.runner.get(instance_id)["_sandbox"]["waiting"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_every_v2_operation(sdk: tuple[Any, Sandbox]) -> None:
    from formance_sdk_python.models import errors

    client, box = sdk
    v2 = client.orchestration.v2
    created = v2.create_workflow(request={"name": "sdk", "stages": STAGES})
    assert created.status_code == 201
    workflow = created.v2_create_workflow_response.data
    assert workflow.config.name == "sdk"
    assert workflow.config.stages == STAGES
    listed = v2.list_workflows(request={"page_size": 10}).v2_list_workflows_response.cursor
    assert [w.id for w in listed.data] == [workflow.id]
    assert (
        v2.get_workflow(request={"flow_id": workflow.id}).v2_get_workflow_response.data.id
        == workflow.id
    )

    trigger = v2.create_trigger(
        request={"event": "SDK_EVENT", "workflow_id": workflow.id, "name": "t"}
    ).v2_create_trigger_response.data
    assert trigger.name == "t"
    triggers = v2.list_triggers(request={}).v2_list_triggers_response.cursor.data
    assert [t.id for t in triggers] == [trigger.id]
    assert (
        v2.read_trigger(request={"trigger_id": trigger.id}).v2_read_trigger_response.data.id
        == trigger.id
    )
    tested = v2.test_trigger(request={"trigger_id": trigger.id, "request_body": {"a": 1}})
    assert tested.status_code == 200
    assert tested.v2_test_trigger_response.data is not None

    (occurrence,) = box.emit("SDK_EVENT", {"id": "e1"})
    occurrences = v2.list_triggers_occurrences(request={"trigger_id": trigger.id})
    assert occurrences.v2_list_triggers_occurrences_response.cursor.data[0].trigger_id == trigger.id

    run = v2.run_workflow(
        request={"workflow_id": workflow.id, "request_body": {"user": "1"}, "wait": False}
    ).v2_run_workflow_response.data
    assert run.workflow_id == workflow.id
    _waiting(box, run.id)
    instance = v2.get_instance(
        request={"instance_id": run.id}
    ).v2_get_workflow_instance_response.data
    assert instance.terminated is False
    instances = v2.list_instances(request={"workflow_id": workflow.id, "running": True})
    assert {i.id for i in instances.v2_list_runs_response.cursor.data} == {
        run.id,
        occurrence["workflowInstanceID"],
    }
    assert (
        v2.send_event(request={"instance_id": run.id, "request_body": {"name": "go"}}).status_code
        == 204
    )
    box.wait_instance(run.id)
    history = v2.get_instance_history(request={"instance_id": run.id})
    names = [h.name for h in history.v2_get_workflow_instance_history_response.data]
    assert names == ["RunNoOp", "RunSend", "RunUpdate", "RunWaitEvent"]
    stage = v2.get_instance_stage_history(request={"instance_id": run.id, "number": 1})
    (activity,) = stage.v2_get_workflow_instance_history_stage_response.data
    assert activity.name == "CreateTransaction"
    assert activity.input.create_transaction.data.postings[0].destination == "users:1"
    cancel = v2.cancel_event(request={"instance_id": occurrence["workflowInstanceID"]})
    assert cancel.status_code == 204

    assert v2.delete_trigger(request={"trigger_id": trigger.id}).status_code == 204
    assert v2.delete_workflow(request={"flow_id": workflow.id}).status_code == 204
    with pytest.raises(errors.SDKError) as info:
        v2.get_server_info()
    assert info.value.status_code == 404


def test_every_v1_operation(sdk: tuple[Any, Sandbox]) -> None:
    client, box = sdk
    v1 = client.orchestration.v1
    assert v1.get_server_info_orchestration().server_info.version
    workflow = v1.create_workflow(
        request={"name": "sdk1", "stages": STAGES}
    ).create_workflow_response.data
    assert [w.id for w in v1.list_workflows().list_workflows_response.data] == [workflow.id]
    assert (
        v1.get_workflow(request={"flow_id": workflow.id}).get_workflow_response.data.id
        == workflow.id
    )
    trigger = v1.create_trigger(
        request={"event": "SDK_EVENT", "workflow_id": workflow.id}
    ).create_trigger_response.data
    assert trigger.name == ""
    assert [t.id for t in v1.list_triggers(request={}).list_triggers_response.data] == [trigger.id]
    assert (
        v1.read_trigger(request={"trigger_id": trigger.id}).read_trigger_response.data.id
        == trigger.id
    )
    (occurrence,) = box.emit("SDK_EVENT", {})
    occurrences = v1.list_triggers_occurrences(request={"trigger_id": trigger.id})
    assert (
        occurrences.list_triggers_occurrences_response.data[0].workflow_instance_id
        == (occurrence["workflowInstanceID"])
    )
    run = v1.run_workflow(
        request={"workflow_id": workflow.id, "request_body": {"user": "2"}}
    ).run_workflow_response.data
    _waiting(box, run.id)
    assert (
        v1.get_instance(request={"instance_id": run.id}).get_workflow_instance_response.data.id
        == run.id
    )
    listed = v1.list_instances(request={"workflow_id": workflow.id}).list_runs_response.data
    assert {i.id for i in listed} == {run.id, occurrence["workflowInstanceID"]}
    assert (
        v1.send_event(request={"instance_id": run.id, "request_body": {"name": "go"}}).status_code
        == 204
    )
    box.wait_instance(run.id)
    history = v1.get_instance_history(request={"instance_id": run.id})
    assert len(history.get_workflow_instance_history_response.data) == 4
    stage = v1.get_instance_stage_history(request={"instance_id": run.id, "number": 2})
    (activity,) = stage.get_workflow_instance_history_stage_response.data
    assert activity.input.add_account_metadata.id == "users:2"
    assert (
        v1.cancel_event(request={"instance_id": occurrence["workflowInstanceID"]}).status_code
        == 204
    )
    assert v1.delete_trigger(request={"trigger_id": trigger.id}).status_code == 204
    assert v1.delete_workflow(request={"flow_id": workflow.id}).status_code == 204


def test_sdk_sees_the_error_shape(sdk: tuple[Any, Sandbox]) -> None:
    client, _ = sdk
    with pytest.raises(Exception) as info:
        client.orchestration.v2.get_workflow(
            request={"flow_id": "00000000-0000-4000-8000-000000000000"}
        )
    assert "sql: no rows in result set" in str(info.value)


def test_sdk_without_credentials_gets_401() -> None:
    from formance_sdk_python import SDK

    with Sandbox(auth=["a:b"]) as box:
        server = box.serve("127.0.0.1", 0)
        try:
            client = SDK(server_url=server.url)
            with pytest.raises(Exception) as info:
                client.orchestration.v2.list_workflows(request={})
            assert "401" in str(info.value)
        finally:
            server.shutdown()
