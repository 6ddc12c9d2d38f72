"""The two profiles: ``current`` (formancehq/flows main) and ``patched`` (its fix branches
fix/soft-deleted-workflows, fix/api-error-mapping, fix/triggers-name-filter-sql and
fix/v1-list-pagination). Each difference, side by side."""

from __future__ import annotations

import pytest
from sandbox_support import ZERO_UUID, Api

from orchctl.sandbox import Sandbox
from orchctl.sandbox.errors import NO_ROWS
from orchctl.sandbox.profile import CURRENT, PATCHED, get_profile

BOTH = pytest.mark.parametrize("profile", ["current", "patched"])


def test_profiles_by_name() -> None:
    assert get_profile("current") is CURRENT
    assert get_profile(PATCHED) is PATCHED
    assert Sandbox().profile is CURRENT
    with pytest.raises(ValueError, match="unknown sandbox profile 'nightly'"):
        Sandbox(profile="nightly")


@BOTH
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_deleted_workflow(api: Api, profile: str, version: str) -> None:
    workflow = api.create_workflow()
    path = f"/workflows/{workflow['id']}"
    assert api.request("DELETE", path, version).status_code == 204
    read = api.request("GET", path, version)
    again = api.request("DELETE", path, version)
    ran = api.request("POST", f"{path}/instances", version, json={})
    if profile == "patched":
        assert read.status_code == 404
        assert read.json() == {"errorCode": "NOT_FOUND", "errorMessage": NO_ROWS}
        assert again.status_code == 404
        assert again.json() == {"errorCode": "NOT_FOUND", "errorMessage": "Workflow not found"}
        assert ran.status_code == 404
    else:
        assert read.status_code == 200
        assert read.json()["data"]["deletedAt"] is not None
        assert read.json()["data"]["updatedAt"] == workflow["updatedAt"]
        assert again.status_code == 204
        assert ran.status_code == 201


@BOTH
def test_unknown_ids(api: Api, profile: str) -> None:
    status = 404 if profile == "patched" else 500
    for method, path in [
        ("GET", f"/workflows/{ZERO_UUID}"),
        ("POST", f"/workflows/{ZERO_UUID}/instances"),
        ("GET", f"/instances/{ZERO_UUID}"),
        ("PUT", f"/instances/{ZERO_UUID}/abort"),
    ]:
        assert api.request(method, path, json={} if method != "GET" else None).status_code == (
            status
        ), path
    events = api.request("POST", f"/instances/{ZERO_UUID}/events", json={"name": "go"})
    assert events.status_code == status
    assert events.json()["errorMessage"] == f"retrieving workflow: {NO_ROWS}"
    # a non-UUID id is Postgres' error, not "no rows": 500 in both
    assert api.request("GET", "/workflows/nope").status_code == 500
    # unknown for DELETE is ErrWorkflowNotFound, 404 in both
    assert api.request("DELETE", f"/workflows/{ZERO_UUID}").status_code == 404


@BOTH
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_trigger_name_filter(sandbox: Sandbox, api: Api, profile: str, version: str) -> None:
    workflow = api.create_workflow()
    for name in ("credit-wallet", "Credit-Card", "debit"):
        api.create_trigger(workflow["id"], name=name)
    resp = api.request("GET", "/triggers", version, params={"name": "credit"})
    if profile == "current":  # invalid SQL
        assert resp.status_code == 500
        return
    body = resp.json()
    items = body["data"] if version == "v1" else body["cursor"]["data"]
    assert sorted(t["name"] for t in items) == ["Credit-Card", "credit-wallet"]  # ILIKE %x%


@BOTH
def test_v1_workflow_and_instance_lists(sandbox: Sandbox, api: Api, profile: str) -> None:
    workflow_ids, _ = sandbox.bulk_seed(workflows=30)
    for _ in range(20):
        api.request("POST", f"/workflows/{workflow_ids[0]}/instances", json={})
    lists = {
        path: (
            len(api.request("GET", path, "v1").json()["data"]),
            len(api.request("GET", path, "v1", params={"pageSize": "25"}).json()["data"]),
        )
        for path in ("/workflows", "/instances")
    }
    if profile == "patched":  # one page; v1 has no cursor to get the next one
        assert lists == {"/workflows": (15, 25), "/instances": (15, 20)}
        bad = api.request("GET", "/workflows", "v1", params={"pageSize": "x"})
        assert bad.status_code == 400
    else:
        assert lists == {"/workflows": (30, 30), "/instances": (20, 20)}
    assert len(api.list_all("/workflows")) == 30  # v2 cursors walk everything in both
