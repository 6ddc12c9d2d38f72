"""SERVER_BEHAVIOR.md rows about workflows, addresses and bodies."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sandbox_support import GATEWAY, NOOP, ZERO_UUID, Api


@pytest.mark.parametrize("prefix", [GATEWAY, ""])
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_both_address_forms_serve_both_versions(
    http: httpx.Client, prefix: str, version: str
) -> None:
    api = Api(http, prefix)
    resp = api.request("POST", "/workflows", version, json={"name": "a", "stages": NOOP})
    assert resp.status_code == 201
    workflow_id = resp.json()["data"]["id"]
    got = api.request("GET", f"/workflows/{workflow_id}", version)
    assert got.status_code == 200
    assert got.json()["data"]["id"] == workflow_id


@pytest.mark.parametrize("prefix", [GATEWAY, ""])
def test_info_served_at_both_forms_but_not_v2(http: httpx.Client, prefix: str) -> None:
    resp = http.get(f"{prefix}/_info")
    assert resp.status_code == 200
    assert isinstance(resp.json()["version"], str)
    assert http.get(f"{prefix}/v2/_info").status_code == 404


def test_ids_are_server_generated_uuid4(api: Api) -> None:
    workflow = api.request(
        "POST", "/workflows", json={"id": ZERO_UUID, "name": "x", "stages": NOOP}
    ).json()["data"]
    assert workflow["id"] != ZERO_UUID
    assert uuid.UUID(workflow["id"]).version == 4


def test_names_are_not_unique_and_may_be_empty(api: Api) -> None:
    first = api.create_workflow(name="same")
    second = api.create_workflow(name="same")
    assert first["id"] != second["id"]
    empty = api.request("POST", "/workflows", json={"stages": NOOP}).json()["data"]
    assert empty["config"]["name"] == ""


def test_workflow_shape_and_unknown_top_level_keys_dropped(api: Api) -> None:
    resp = api.request(
        "POST",
        "/workflows",
        json={"name": "w", "stages": NOOP, "labels": {"a": "b"}, "description": "x"},
    )
    assert resp.status_code == 201
    data = resp.json()["data"]
    assert set(data) == {"id", "config", "createdAt", "updatedAt", "deletedAt"}
    assert data["config"] == {"name": "w", "stages": NOOP}
    assert data["deletedAt"] is None


def test_unknown_keys_inside_a_stage_are_kept_verbatim(api: Api) -> None:
    stage = {"wait_event": {"event": "go", "evnet": "typo", "extra": {"deep": [1, 2]}}}
    data = api.create_workflow([stage])
    assert data["config"]["stages"] == [stage]


@pytest.mark.parametrize(
    "stage",
    [
        {"bogus": {}},
        {},
        {"noop": {}, "delay": {"duration": "1s"}},
        {"send": {}},
        {"send": {"source": {"account": {"id": "a", "allowOverdraft": "${x}"}}}},
        {"send": {"source": {}, "destination": {"payment": {"waitingValidation": "yes"}}}},
        {"send": {"source": {}, "destination": {}, "amount": {"amount": True}}},
        {"send": {"source": {}, "destination": {}, "amount": {"amount": "1.5"}}},
        {"send": {"source": {}, "destination": {}, "metadata": {"k": 1}}},
        {"delay": {"duration": 30}},
        {"delay": {"duration": "1d"}},
        {"delay": {"until": "2026-01-01"}},
        {"wait_event": {"event": 1}},
        {"update": {"account": {"id": "a", "metadata": "x"}}},
    ],
)
def test_invalid_stage_is_500_internal_creating_workflow(
    api: Api, stage: dict[str, object]
) -> None:
    resp = api.request("POST", "/workflows", json={"name": "bad", "stages": [{"noop": {}}, stage]})
    assert resp.status_code == 500
    body = resp.json()
    assert body["errorCode"] == "INTERNAL"
    assert body["errorMessage"] == f"creating workflow: {_message(stage)}"


def _message(stage: dict[str, object]) -> str:
    from orchctl.sandbox.stages import StageError, check_stage

    try:
        check_stage(stage)
    except StageError as exc:
        return str(exc)
    raise AssertionError("accepted")


@pytest.mark.parametrize("profile", ["current", "patched"])
def test_invalid_config_status_by_profile(api: Api, profile: str) -> None:
    stage = {"delay": {"duration": "1d"}}
    resp = api.request("POST", "/workflows", json={"name": "bad", "stages": [stage]})
    reason = "resolving field 'Duration': unable to resolve field 'Duration' to duration value"
    if profile == "patched":  # fix/api-error-mapping: ErrInvalidConfig -> 400
        assert resp.status_code == 400
        assert resp.json() == {
            "errorCode": "VALIDATION",
            "errorMessage": f"creating workflow: invalid workflow configuration: {reason}",
        }
    else:
        assert resp.status_code == 500
        assert resp.json() == {
            "errorCode": "INTERNAL",
            "errorMessage": f"creating workflow: {reason}",
        }


@pytest.mark.parametrize("stage", [{"send": 1}, {"send": []}, {"delay": "1s"}])
def test_a_stage_that_is_not_a_map_of_maps_is_400(api: Api, stage: dict[str, object]) -> None:
    resp = api.request("POST", "/workflows", json={"name": "bad", "stages": [stage]})
    assert resp.status_code == 400
    assert resp.json()["errorMessage"].startswith(
        "unmarshalling json body: json: cannot unmarshal "
    )


@pytest.mark.parametrize(
    "stage",
    [
        {
            "send": {
                "source": {"account": {"id": "${from}"}},
                "destination": {},
                "amount": {"amount": "${n}", "asset": "USD"},
            }
        },
        {"send": {"source": {}, "destination": {}, "amount": {"amount": 100, "asset": "USD/2"}}},
        {"send": {"source": {"account": {}}, "destination": {"wallet": {}}}},
        {"delay": {}},
        {"update": {"account": {"id": "a"}}},
        {"noop": None},
    ],
)
def test_required_and_one_of_rules_wait_for_run_time(api: Api, stage: dict[str, object]) -> None:
    resp = api.request("POST", "/workflows", json={"name": "ok", "stages": [stage]})
    assert resp.status_code == 201, resp.text


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'{"name": 3, "stages": []}',
        b'{"stages": {"a": 1}}',
        b'{"stages": [1]}',
    ],
)
def test_undecodable_body_is_400(api: Api, body: bytes) -> None:
    resp = api.request(
        "POST", "/workflows", content=body, headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert resp.json()["errorCode"] == "VALIDATION"


def test_yaml_body_only_with_exact_content_type(api: Api) -> None:
    yaml_body = b"name: from-yaml\nstages:\n  - delay:\n      duration: 1s\n"
    ok = api.request(
        "POST", "/workflows", content=yaml_body, headers={"Content-Type": "text/vnd.yaml"}
    )
    assert ok.status_code == 201
    assert ok.json()["data"]["config"] == {
        "name": "from-yaml",
        "stages": [{"delay": {"duration": "1s"}}],
    }
    bad = api.request(
        "POST",
        "/workflows",
        content=yaml_body,
        headers={"Content-Type": "text/vnd.yaml; charset=utf-8"},
    )
    assert bad.status_code == 400
    other = api.request(
        "POST", "/workflows", content=yaml_body, headers={"Content-Type": "application/yaml"}
    )
    assert other.status_code == 400


def test_soft_delete_then_readable_then_204_again(api: Api) -> None:
    workflow = api.create_workflow()
    assert api.request("DELETE", f"/workflows/{workflow['id']}").status_code == 204
    got = api.request("GET", f"/workflows/{workflow['id']}")
    assert got.status_code == 200
    assert got.json()["data"]["deletedAt"] is not None
    assert api.request("DELETE", f"/workflows/{workflow['id']}").status_code == 204
    assert workflow["id"] not in {w["id"] for w in api.list_all("/workflows")}
    v1 = api.request("GET", "/workflows", "v1").json()["data"]
    assert workflow["id"] not in {w["id"] for w in v1}


def test_delete_non_uuid_is_400_and_unknown_is_404(api: Api) -> None:
    bad = api.request("DELETE", "/workflows/not-a-uuid")
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == "VALIDATION"
    missing = api.request("DELETE", f"/workflows/{ZERO_UUID}")
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "NOT_FOUND"


def test_get_unknown_workflow_is_500_no_rows(api: Api) -> None:
    resp = api.request("GET", f"/workflows/{ZERO_UUID}")
    assert resp.status_code == 500
    assert resp.json() == {"errorCode": "INTERNAL", "errorMessage": "sql: no rows in result set"}
    assert api.request("GET", "/workflows/nope", "v1").status_code == 500


def test_delete_does_not_cascade_to_triggers(api: Api, expr: object) -> None:
    workflow = api.create_workflow()
    trigger = api.create_trigger(workflow["id"])
    api.request("DELETE", f"/workflows/{workflow['id']}")
    assert api.request("GET", f"/triggers/{trigger['id']}").status_code == 200
    assert trigger["id"] in {t["id"] for t in api.list_all("/triggers")}


def test_running_a_deleted_workflow_works_and_unknown_is_500(api: Api) -> None:
    workflow = api.create_workflow()
    api.request("DELETE", f"/workflows/{workflow['id']}")
    instance = api.run(workflow["id"])
    assert instance["terminated"] is True
    assert "error" not in instance
    unknown = api.request("POST", f"/workflows/{ZERO_UUID}/instances", json={})
    assert unknown.status_code == 500


def test_unknown_path_is_404_and_wrong_method_is_405(api: Api) -> None:
    assert api.request("GET", "/nowhere").status_code == 404
    assert api.request("PUT", "/workflows").status_code == 405


def test_there_is_no_update_endpoint(api: Api) -> None:
    workflow = api.create_workflow()
    for method in ("PUT", "PATCH"):
        assert (
            api.request(method, f"/workflows/{workflow['id']}", json={"stages": NOOP}).status_code
            == 405
        )
    trigger_path = "/triggers/00000000-0000-4000-8000-000000000000"
    assert api.request("PUT", trigger_path, json={}).status_code == 405


def test_delete_does_not_stop_running_instances(api: Api) -> None:
    workflow = api.create_workflow([{"wait_event": {"event": "go"}}])
    instance = api.run(workflow["id"], wait=False)
    assert api.request("DELETE", f"/workflows/{workflow['id']}").status_code == 204
    got = api.request("GET", f"/instances/{instance['id']}").json()["data"]
    assert got["terminated"] is False
