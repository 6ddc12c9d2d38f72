from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchctl.api import (
    Instance,
    ServerInfo,
    StageHistory,
    Trigger,
    TriggerOccurrence,
    TriggerSpec,
    TriggerTestResult,
    UnexpectedResponse,
    Workflow,
    WorkflowConfig,
)


def test_workflow_tolerates_unknown_fields_and_go_timestamps() -> None:
    wf = Workflow.from_json(
        {
            "id": "w1",
            "config": {"name": "a", "stages": [{"noop": {}}], "extra": 1},
            "createdAt": "2026-01-02T03:04:05.123456789Z",
            "updatedAt": "garbage",
            "deletedAt": None,
            "futureField": {"x": 1},
        }
    )
    assert wf.name == "a"
    assert wf.config.stages == ({"noop": {}},)
    assert wf.created_at == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert wf.updated_at is None
    assert not wf.deleted


def test_workflow_without_name_or_stages() -> None:
    wf = Workflow.from_json({"id": "w1", "config": {"stages": None}})
    assert wf.name == ""
    assert wf.config.stages == ()


def test_missing_id_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponse):
        Workflow.from_json({"config": {}})
    with pytest.raises(UnexpectedResponse):
        Trigger.from_json(["not", "an", "object"])


def test_trigger_shapes_v1_and_v2() -> None:
    v1 = Trigger.from_json({"id": "t", "event": "E", "workflowID": "w", "createdAt": None})
    assert (v1.name, v1.filter, v1.vars, v1.version) == ("", None, {}, None)
    v2 = Trigger.from_json(
        {
            "id": "t",
            "event": "E",
            "workflowID": "w",
            "workflow": None,
            "name": "n",
            "filter": "true",
            "vars": {"a": "event.a"},
            "version": "v3",
        }
    )
    assert (v2.name, v2.filter, v2.vars, v2.version) == ("n", "true", {"a": "event.a"}, "v3")


def test_trigger_spec_omits_empty_filter_and_unset_fields() -> None:
    assert TriggerSpec(event="E", workflow_id="w", filter="").to_json() == {
        "event": "E",
        "workflowID": "w",
    }
    full = TriggerSpec("E", "w", name="n", filter="x", vars={"a": "b"}, version="v1")
    assert full.to_json() == {
        "event": "E",
        "workflowID": "w",
        "name": "n",
        "filter": "x",
        "vars": {"a": "b"},
        "version": "v1",
    }


def test_workflow_config_round_trip() -> None:
    c = WorkflowConfig(stages=({"delay": {"duration": "1s"}},), name="n")
    assert WorkflowConfig.from_json(c.to_json()) == c


def test_test_result_shapes() -> None:
    no_filter = TriggerTestResult.from_json(
        {"filter": None, "variables": {"a": {"value": "1"}, "b": {"error": "boom"}}}
    )
    assert no_filter.matched
    assert no_filter.variables is not None
    assert no_filter.variables["b"].value is None
    assert no_filter.variables["b"].error == "boom"
    failed = TriggerTestResult.from_json({"filter": {"match": False, "error": "bad"}})
    assert not failed.matched
    assert failed.variables is None


def test_instance_occurrence_and_history() -> None:
    inst = Instance.from_json(
        {
            "id": "i",
            "workflowID": "w",
            "terminated": True,
            "status": [{"stage": 0, "instanceID": "i", "startedAt": "2026-01-01T00:00:00Z"}],
            "workflow": {"id": "w", "config": {"stages": []}},
            "error": "",
        }
    )
    assert inst.status[0].stage == 0
    assert inst.workflow is not None
    assert inst.error is None
    occ = TriggerOccurrence.from_json(
        {
            "triggerID": "t",
            "date": "2026-01-01T00:00:00Z",
            "event": {"a": 1},
            "workflowInstance": {},
        }
    )
    assert occ.workflow_instance is None
    assert occ.event == {"a": 1}
    sh = StageHistory.from_json({"name": "CreateTransaction", "input": {"x": 1}, "attempt": 2})
    assert (sh.attempt, sh.output) == (2, None)
    assert ServerInfo.from_json({"version": "v2.1"}).version == "v2.1"
