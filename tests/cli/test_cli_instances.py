"""`orchctl instances` end to end on the embedded sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ops_support import WAIT, make_project, orchctl, stack, started, workflow, writes

from orchctl.resolve import format_time


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "repo", profile=profile)


def test_list_follows_every_page_past_15_and_100(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (sandbox, client):
        smoke = workflow(client, "payments/smoke")
        other = workflow(client, "payments/other")
        ids = {client.run_workflow(smoke.id).id for _ in range(120)}
        client.run_workflow(other.id)
        for instance_id in ids:
            sandbox.wait_instance(instance_id)
    code, out, err = orchctl(capsys, "-C", "repo", "instances", "list", "-o", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["format_version"] == 1
    assert len(document["instances"]) == 121
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "list", "--workflow", "smoke")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "WORKFLOW", "STATUS", "STARTED", "ENDED"]
    assert {line.split()[0] for line in lines[1:-1]} == ids
    assert {line.split()[1:3] == ["smoke", "succeeded"] for line in lines[1:-1]} == {True}
    assert lines[-1] == "120 runs"


def test_running_only_and_an_empty_list(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "list", "--running")
    assert (code, out) == (0, "No runs running.\n")
    with stack(root) as (sandbox, client):
        waiting = workflow(client, "payments/waiting", WAIT)
        smoke = workflow(client, "payments/smoke")
        held = client.run_workflow(waiting.id)
        sandbox.wait_instance(client.run_workflow(smoke.id).id)
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "list", "--running", "-o", "json")
    assert [i["id"] for i in json.loads(out)["instances"]] == [held.id]
    assert json.loads(out)["instances"][0]["status"] == "running"


def test_show_a_run_waiting_then_released_by_send_event(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        waiting = workflow(client, "payments/waiting", WAIT)
        held = client.run_workflow(waiting.id)
        started(client, held.id)
    code, out, err = orchctl(capsys, "-C", "repo", "instances", "show", held.id)
    assert (code, err) == (0, "")
    with stack(root) as (_, client):
        live = client.get_instance(held.id)
    stage_start = format_time(live.status[0].started_at)
    assert out.splitlines() == [
        f"Instance {held.id}",
        f"  workflow: waiting ({waiting.id})",
        "  status:   running",
        f"  started:  {format_time(live.created_at)}",
        "  ended:    -",
        "  stages (1 of 2 started):",
        "    #  TYPE        STATUS   STARTED               ENDED  ERROR",
        f"    0  wait_event  running  {stage_start}  -",
    ]
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "send-event", held.id, "go")
    assert (code, out) == (0, f"Sent event 'go' to instance {held.id}.\n")
    with stack(root) as (sandbox, _):
        done = sandbox.wait_instance(held.id)
        assert done["terminated"]
        assert "error" not in done
        assert writes(sandbox)[-1] == ("send_event", "instance")
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "show", held.id, "-o", "json")
    shown = json.loads(out)["instance"]
    assert shown["status"] == "succeeded"
    assert [(s["stage"], s["type"], s["status"]) for s in shown["stages"]] == [
        (0, "wait_event", "succeeded"),
        (1, "noop", "succeeded"),
    ]


def test_send_event_to_an_ended_run_is_one_line_and_sends_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (sandbox, client):
        smoke = workflow(client, "payments/smoke")
        ended = client.run_workflow(smoke.id)
        sandbox.wait_instance(ended.id)
    code, out, err = orchctl(capsys, "-C", "repo", "instances", "send-event", ended.id, "go")
    assert (code, out) == (1, "")
    assert err == (
        f"orchctl: error: instance {ended.id} has ended (succeeded): no event can reach it "
        "(hint: only a run waiting in a `wait_event` stage takes events)\n"
    )
    with stack(root) as (sandbox, _):
        assert ("send_event", "instance") not in writes(sandbox)


def test_abort_then_abort_again(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        held = client.run_workflow(workflow(client, "payments/waiting", WAIT).id)
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "abort", held.id)
    assert (code, out) == (0, f"Aborted instance {held.id}.\n")
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "abort", held.id)
    assert (code, out) == (
        0,
        f"Instance {held.id} had already ended (aborted); nothing to abort.\n",
    )
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "show", held.id)
    assert "  status:   aborted" in out.splitlines()
    assert "  error:    canceled" in out.splitlines()
    with stack(root) as (sandbox, _):
        assert [w for w in writes(sandbox) if w[0] == "abort"] == [("abort", "instance")]


def test_history_and_stage_history(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stages = [
        {"update": {"account": {"id": "${who}", "ledger": "main", "metadata": {"k": "v"}}}},
    ]
    with stack(root) as (sandbox, client):
        wf = workflow(client, "payments/tag", stages)
        run = client.run_workflow(wf.id, {"who": "users:1"})
        sandbox.wait_instance(run.id)
        entry = client.get_instance_history(run.id)[0]
        activity = client.get_instance_stage_history(run.id, 0)[0]
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "history", run.id)
    assert code == 0
    assert out.splitlines() == [
        f"0  {entry.name}  succeeded  {format_time(entry.started_at)} -> "
        f"{format_time(entry.terminated_at)}",
        '   input: {"account":{"id":"users:1","ledger":"main","metadata":{"k":"v"}}}',
    ]
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "history", run.id, "--stage", "0")
    assert out.splitlines()[0] == (
        f"{activity.name}  succeeded  attempt 1  {format_time(activity.started_at)} -> "
        f"{format_time(activity.terminated_at)}"
    )
    code, out, _ = orchctl(
        capsys, "-C", "repo", "instances", "history", run.id, "--stage", "0", "-o", "json"
    )
    assert json.loads(out)["stage_history"][0]["name"] == activity.name
    code, out, _ = orchctl(capsys, "-C", "repo", "instances", "history", run.id, "-o", "json")
    assert json.loads(out)["history"][0]["input"]["account"]["id"] == "users:1"


@pytest.mark.parametrize("command", ["show", "history", "abort"])
def test_unknown_and_malformed_ids_are_one_line(
    root: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    code, out, err = orchctl(capsys, "-C", "repo", "instances", command, missing)
    assert (code, out) == (1, "")
    assert err == f"orchctl: error: no instance with id {missing} on environment local\n"
    code, out, err = orchctl(capsys, "-C", "repo", "instances", command, "payin")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: 'payin' is not an instance id (instances have no names) "
        "(hint: `orchctl instances list --workflow NAME` shows the ids)\n"
    )


def test_list_by_an_unknown_workflow(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/smoke")
    code, _, err = orchctl(capsys, "-C", "repo", "instances", "list", "--workflow", "smok")
    assert code == 1
    assert err == (
        "orchctl: error: no workflow named 'smok' on environment local "
        "(hint: did you mean `smoke`?)\n"
    )
