"""SERVER_BEHAVIOR.md rows about lists and pagination."""

from __future__ import annotations

import base64

import pytest
from sandbox_support import Api

from orchctl.sandbox import EMBEDDED_URL, Sandbox


def test_v2_default_page_size_is_15_and_cursors_walk_everything(sandbox: Sandbox, api: Api) -> None:
    ids, _ = sandbox.bulk_seed(workflows=40)
    first = api.request("GET", "/workflows").json()["cursor"]
    assert first["pageSize"] == 15
    assert first["hasMore"] is True
    assert len(first["data"]) == 15
    assert "previous" not in first
    second = api.request("GET", "/workflows", params={"cursor": first["next"]}).json()["cursor"]
    assert second["previous"]
    every = api.list_all("/workflows")
    assert sorted(w["id"] for w in every) == sorted(ids)


def test_page_size_is_clamped_to_100(sandbox: Sandbox, api: Api) -> None:
    sandbox.bulk_seed(workflows=120)
    cursor = api.request("GET", "/workflows", params={"pageSize": 1000}).json()["cursor"]
    assert cursor["pageSize"] == 100
    assert len(cursor["data"]) == 100
    assert cursor["hasMore"] is True


@pytest.mark.parametrize(
    "value", ["abc", "1.5", "-1", "+5", " 5", "1_0", "99999999999", "4294967296"]
)
@pytest.mark.parametrize("path", ["/workflows", "/triggers", "/instances"])
def test_page_size_is_an_unsigned_32_bit_integer_or_400(api: Api, value: str, path: str) -> None:
    resp = api.request("GET", path, params={"pageSize": value})
    assert resp.status_code == 400
    assert resp.json() == {
        "errorCode": "VALIDATION",
        "errorMessage": "invalid 'pageSize' query param",
    }


@pytest.mark.parametrize(("value", "size"), [("4294967295", 100), ("007", 7), ("0", 15)])
def test_page_size_accepts_what_parse_uint_accepts(api: Api, value: str, size: int) -> None:
    resp = api.request("GET", "/workflows", params={"pageSize": value})
    assert resp.status_code == 200
    assert resp.json()["cursor"]["pageSize"] == size


def test_cursor_overrides_other_parameters(sandbox: Sandbox, api: Api) -> None:
    sandbox.bulk_seed(workflows=12)
    first = api.request("GET", "/workflows", params={"pageSize": 5}).json()["cursor"]
    nxt = api.request("GET", "/workflows", params={"cursor": first["next"], "pageSize": 50})
    assert nxt.json()["cursor"]["pageSize"] == 5


def test_cursor_is_opaque_base64_and_garbage_is_400(sandbox: Sandbox, api: Api) -> None:
    sandbox.bulk_seed(workflows=20)
    nxt = api.request("GET", "/workflows").json()["cursor"]["next"]
    base64.urlsafe_b64decode(nxt + "==")
    assert api.request("GET", "/workflows", params={"cursor": "!!!"}).status_code == 400


def test_v1_lists_return_everything_but_triggers_capped_at_15(sandbox: Sandbox, api: Api) -> None:
    sandbox.bulk_seed(workflows=30, triggers=20)
    assert len(api.request("GET", "/workflows", "v1").json()["data"]) == 30
    assert len(api.request("GET", "/triggers", "v1").json()["data"]) == 15
    assert len(api.list_all("/triggers")) == 20


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_trigger_name_filter_is_broken_500(sandbox: Sandbox, api: Api, version: str) -> None:
    sandbox.bulk_seed(triggers=2)
    resp = api.request("GET", "/triggers", version, params={"name": "bulk-tr-0"})
    assert resp.status_code == 500
    assert resp.json()["errorCode"] == "INTERNAL"


def test_with_a_cursor_the_name_filter_is_ignored_like_every_other_parameter(
    sandbox: Sandbox, api: Api
) -> None:
    sandbox.bulk_seed(triggers=20)
    first = api.request("GET", "/triggers", params={"pageSize": 15}).json()["cursor"]
    resp = api.request("GET", "/triggers", params={"cursor": first["next"], "name": "x"})
    assert resp.status_code == 200
    assert len(resp.json()["cursor"]["data"]) == 5


def test_list_order_is_shuffled_and_seeded() -> None:
    def order(seed: int) -> list[str]:
        with Sandbox(seed=seed) as box, box.client() as client:
            names = [f"w{i}" for i in range(30)]
            for name in names:
                client.post("/v2/workflows", json={"name": name, "stages": []})
            data = client.get("/workflows").json()["data"]
            return [w["config"]["name"] for w in data]

    a = order(1)
    assert a != sorted(a, key=lambda n: int(n[1:]))  # not creation order
    assert len(set(a)) == 30
    assert order(2) != a


def test_pages_of_one_listing_do_not_overlap(sandbox: Sandbox, api: Api) -> None:
    sandbox.bulk_seed(workflows=50)
    every = api.list_all("/workflows", pageSize=7)
    assert len(every) == len({w["id"] for w in every}) == 50


def test_instances_list_filters(sandbox: Sandbox, api: Api) -> None:
    a = api.create_workflow()
    b = api.create_workflow([{"wait_event": {"event": "go"}}])
    api.run(a["id"])
    running = api.run(b["id"], wait=False)
    assert running["terminated"] is False
    only_b = api.list_all("/instances", workflowID=b["id"])
    assert [i["id"] for i in only_b] == [running["id"]]
    live = api.list_all("/instances", running="true")
    assert {i["id"] for i in live} == {running["id"]}
    everything = {i["id"] for i in api.list_all("/instances")}
    assert len(everything) == 2
    assert len(api.request("GET", "/instances", "v1").json()["data"]) == 2
    v1 = api.request("GET", "/instances", "v1", params={"workflowID": a["id"]}).json()["data"]
    assert [i["workflowID"] for i in v1] == [a["id"]]


def test_embedded_url_constant() -> None:
    assert EMBEDDED_URL.startswith("http://")


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("value", "only_running"),
    [("1", True), ("true", True), ("TRUE", True), ("True", True), ("0", False),
     ("false", False), ("t", False), ("yes", False), ("", False), ("2", False)],
)  # fmt: skip
def test_running_is_true_only_for_1_or_true_and_never_400(
    api: Api, version: str, value: str, only_running: bool
) -> None:
    done = api.create_workflow()
    waiting = api.create_workflow([{"wait_event": {"event": "go"}}])
    api.run(done["id"])
    live = api.run(waiting["id"], wait=False)
    resp = api.request("GET", "/instances", version, params={"running": value})
    assert resp.status_code == 200
    body = resp.json()
    items = body["data"] if version == "v1" else body["cursor"]["data"]
    expected = 1 if only_running else 2  # false filters nothing (not "terminated only")
    assert len(items) == expected
    if only_running:
        assert items[0]["id"] == live["id"]


@pytest.mark.parametrize("value", ["1", "TRUE", "yes", "0", "2"])
def test_wait_is_true_only_for_1_or_true_and_never_400(api: Api, value: str) -> None:
    workflow = api.create_workflow([{"delay": {"duration": "1s"}}])
    resp = api.request("POST", f"/workflows/{workflow['id']}/instances", params={"wait": value})
    assert resp.status_code == 201
    assert resp.json()["data"]["terminated"] is (value.lower() in ("1", "true"))


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_instances_of_a_deleted_workflow_are_not_listed(
    sandbox: Sandbox, api: Api, version: str
) -> None:
    kept = api.create_workflow()
    gone = api.create_workflow()
    kept_run = api.run(kept["id"])
    gone_run = api.run(gone["id"])
    assert api.request("DELETE", f"/workflows/{gone['id']}").status_code == 204

    def listed(**params: str) -> list[str]:
        resp = api.request("GET", "/instances", version, params=params)
        body = resp.json()
        return [i["id"] for i in (body["data"] if version == "v1" else body["cursor"]["data"])]

    assert listed() == [kept_run["id"]]
    assert listed(workflowID=gone["id"]) == []
    assert listed(workflowID=kept["id"]) == [kept_run["id"]]
    # still readable by id (current profile), with its deleted workflow attached
    got = api.request("GET", f"/instances/{gone_run['id']}").json()["data"]
    assert got["workflow"]["deletedAt"] is not None
