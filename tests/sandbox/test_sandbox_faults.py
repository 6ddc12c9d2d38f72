"""Fault and latency injection, and the timeline of writes."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest
from sandbox_support import NOOP, Api

from orchctl.sandbox import EMBEDDED_URL, Faults, Latency, Sandbox, ScriptedFault


def test_scripted_faults_hit_the_targeted_request(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    sandbox.set_faults(
        Faults(
            script=(
                ScriptedFault("429", "POST", "/workflows"),
                ScriptedFault("503", "GET"),
                ScriptedFault("502"),
                ScriptedFault("500"),
            ),
            retry_after=3,
        )
    )
    limited = api.request("POST", "/workflows", json={"stages": NOOP})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert api.request("GET", "/workflows").status_code == 503
    assert api.request("GET", "/workflows").status_code == 502
    failed = api.request("GET", "/workflows")
    assert failed.status_code == 500
    assert failed.json()["errorCode"] == "INTERNAL"
    assert api.request("GET", "/workflows").status_code == 200
    assert sandbox.timeline() == []  # nothing was written


def test_reset_does_nothing_and_raises_read_error(sandbox: Sandbox, api: Api) -> None:
    sandbox.set_faults(Faults(script=(ScriptedFault("reset", "POST"),)))
    with pytest.raises(httpx.ReadError):
        api.request("POST", "/workflows", json={"name": "x", "stages": NOOP})
    assert api.list_all("/workflows") == []


def test_lost_response_commits_the_write(sandbox: Sandbox, api: Api) -> None:
    sandbox.set_faults(Faults(script=(ScriptedFault("lost", "POST", "/workflows"),)))
    with pytest.raises(httpx.ReadError):
        api.request("POST", "/workflows", json={"name": "ghost", "stages": NOOP})
    (workflow,) = api.list_all("/workflows")
    assert workflow["config"]["name"] == "ghost"
    (entry,) = sandbox.timeline()
    assert entry.action == "create"
    assert entry.kind == "workflow"
    assert entry.name == "ghost"
    assert entry.outcome == "response_lost"


def test_seeded_fault_rate_is_reproducible() -> None:
    def outcomes(seed: int) -> list[str]:
        with (
            Sandbox(faults=Faults(rate=0.5, seed=seed)) as box,
            httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL) as http,
        ):
            seen = []
            for _ in range(60):
                try:
                    seen.append(str(http.get("/v2/workflows").status_code))
                except httpx.ReadError:
                    seen.append("reset")
            return seen

    first = outcomes(3)
    assert first == outcomes(3)
    counts = Counter(first)
    assert 10 < counts["200"] < 50
    assert {"500", "502", "503", "429", "reset"} & set(counts)


def test_faults_adjustable_through_the_endpoint(http: httpx.Client, api: Api) -> None:
    resp = http.put(
        "/_sandbox/faults", json={"rate": 1.0, "kinds": ["503"], "latency": {"fixedMs": 1}}
    )
    assert resp.status_code == 200
    assert resp.json()["rate"] == 1.0
    assert api.request("GET", "/workflows").status_code == 503
    assert http.get("/_sandbox/faults").json()["injected"] == {"503": 1}
    http.put("/_sandbox/faults", json={"rate": 0})
    assert api.request("GET", "/workflows").status_code == 200
    assert http.put("/_sandbox/faults", json={"kinds": ["418"]}).status_code == 400


def test_latency_fixed_and_jitter(sandbox: Sandbox, api: Api) -> None:
    sandbox.set_faults(latency=Latency(fixed_ms=30, jitter_ms=20))
    started = time.monotonic()
    for _ in range(5):
        api.request("GET", "/workflows")
    elapsed = time.monotonic() - started
    assert 0.15 <= elapsed < 2.0


def test_timeline_records_every_write_with_actor(
    sandbox: Sandbox, http: httpx.Client, api: Api
) -> None:
    workflow = api.create_workflow(name="w1")
    api.request("DELETE", f"/workflows/{workflow['id']}", headers={"X-Sandbox-Actor": "apply-1"})
    api.run(workflow["id"])
    entries = sandbox.timeline()
    assert [(e.action, e.kind) for e in entries] == [
        ("create", "workflow"),
        ("delete", "workflow"),
        ("run", "instance"),
    ]
    assert entries[1].actor == "apply-1"
    assert entries[0].actor == "anonymous"
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    listed = http.get("/_sandbox/timeline", params={"since": entries[0].seq}).json()["data"]
    assert [e["action"] for e in listed] == ["delete", "run"]


def test_rejected_writes_are_not_in_the_timeline(sandbox: Sandbox, api: Api) -> None:
    api.request("POST", "/workflows", json={"stages": [{"bogus": {}}]})
    api.request("DELETE", "/workflows/00000000-0000-4000-8000-000000000000")
    assert sandbox.timeline() == []


def test_invalid_fault_settings() -> None:
    with pytest.raises(ValueError):
        Faults(rate=2)
    with pytest.raises(ValueError):
        Faults(kinds=("teapot",))


def test_timeline_replay_finds_two_live_triggers_for_one_name(sandbox: Sandbox, api: Api) -> None:
    workflow = api.create_workflow()
    first = api.request(
        "POST", "/triggers", json={"event": "E", "workflowID": workflow["id"], "name": "t"}
    )
    api.request("POST", "/triggers", json={"event": "E", "workflowID": workflow["id"], "name": "t"})
    api.request("DELETE", f"/triggers/{first.json()['data']['id']}")
    live: dict[str, set[str]] = {}
    worst = 0
    for entry in sandbox.timeline():
        if entry.kind != "trigger":
            continue
        ids = live.setdefault(entry.name or "", set())
        if entry.action == "create":
            ids.add(entry.object_id)
        else:
            ids.discard(entry.object_id)
        worst = max(worst, len(ids))
    assert worst == 2  # a create-first swap: for a moment both were live
    assert live["t"] != set()
