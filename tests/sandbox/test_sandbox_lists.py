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


@pytest.mark.parametrize("value", ["abc", "1.5", "-1"])
def test_non_integer_page_size_is_400(api: Api, value: str) -> None:
    resp = api.request("GET", "/workflows", params={"pageSize": value})
    assert resp.status_code == 400
    assert resp.json()["errorCode"] == "VALIDATION"


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
    assert len(api.request("GET", "/instances", "v1").json()["data"]) == 2
    v1 = api.request("GET", "/instances", "v1", params={"workflowID": a["id"]}).json()["data"]
    assert [i["workflowID"] for i in v1] == [a["id"]]


def test_embedded_url_constant() -> None:
    assert EMBEDDED_URL.startswith("http://")
