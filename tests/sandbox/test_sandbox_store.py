"""Persistence (a file survives a restart) and correctness under concurrent requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sandbox_support import NOOP

from orchctl.sandbox import EMBEDDED_URL, Sandbox


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    with Sandbox(db) as box, box.client() as http:
        created = http.post("/v2/workflows", json={"name": "keep", "stages": NOOP}).json()["data"]
        gone = http.post("/v2/workflows", json={"name": "gone", "stages": NOOP}).json()["data"]
        http.delete(f"/v2/workflows/{gone['id']}")
    with Sandbox(db) as box, box.client() as http:
        assert http.get(f"/v2/workflows/{created['id']}").json()["data"] == created
        listed = http.get("/workflows").json()["data"]
        assert [w["id"] for w in listed] == [created["id"]]
        assert [e.action for e in box.timeline()] == ["create", "create", "delete"]


def test_local_sandbox_keeps_state_under_dot_orchctl(tmp_path: Path) -> None:
    with Sandbox.local(str(tmp_path)) as box, box.client() as http:
        http.post("/v2/workflows", json={"stages": NOOP})
    assert (tmp_path / ".orchctl" / "sandbox-local.db").is_file()


def test_concurrent_creates_and_deletes_are_all_applied(tmp_path: Path) -> None:
    with (
        Sandbox(str(tmp_path / "c.db")) as box,
        httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL) as http,
    ):

        def work(i: int) -> str:
            wf = http.post("/v2/workflows", json={"name": f"w{i}", "stages": NOOP}).json()["data"]
            if i % 2:
                assert http.delete(f"/v2/workflows/{wf['id']}").status_code == 204
            return str(wf["id"])

        with ThreadPoolExecutor(16) as pool:
            ids = list(pool.map(work, range(200)))
        assert len(set(ids)) == 200
        listed = http.get("/workflows").json()["data"]
        assert sorted(w["id"] for w in listed) == sorted(ids[0::2])
        assert len(box.timeline()) == 300


def test_bulk_seed_is_listed(sandbox: Sandbox, http: httpx.Client) -> None:
    workflows, triggers = sandbox.bulk_seed(workflows=50, triggers=70)
    assert len(workflows) == 50
    assert len(triggers) == 70
    assert len(http.get("/workflows").json()["data"]) == 50
    resp = http.post("/_sandbox/bulk", json={"workflows": 3, "triggers": 4})
    assert resp.status_code == 200
    assert len(resp.json()["data"]["triggers"]) == 4


def test_async_transport(sandbox: Sandbox) -> None:
    import asyncio

    async def go() -> int:
        async with httpx.AsyncClient(
            transport=sandbox.async_transport(), base_url=EMBEDDED_URL
        ) as http:
            resp = await http.post("/v2/workflows", json={"stages": NOOP})
            return resp.status_code

    assert asyncio.run(go()) == 201
