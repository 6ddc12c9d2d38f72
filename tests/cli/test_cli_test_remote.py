"""`orchctl test --remote`: trigger tests on the stack through shadow triggers, nothing
left behind (read from the sandbox's timeline), also when interrupted with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ops_support import make_project, orchctl, stack, workflow

from orchctl.apply.lock import LOCK_NAME, acquire
from orchctl.apply.shadow import SHADOW_EVENT_PREFIX
from orchctl.sandbox import Latency, Sandbox, TimelineEntry

DEFINITIONS = """\
kind: Workflow
name: pay
stages: [{noop: {}}]
---
kind: Trigger
name: on-pay
workflow: pay
event: SAVED_PAYMENT
filter: event.status == "SUCCEEDED"
vars: {paymentID: event.id}
tests:
  - name: a success matches
    event: {id: p1, status: SUCCEEDED}
    expect: {match: true, vars: {paymentID: p1}}
  - name: a failure does not
    event: {id: p2, status: FAILED}
    expect: {match: false}
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    root = make_project(tmp_path / "repo", profile=profile)
    (root / "defs.yaml").write_text(DEFINITIONS)
    return root


def without_lock(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline without the environment lock's objects (test --remote holds the lock)."""
    return [e for e in entries if not (e.name or "").startswith(LOCK_NAME)]


def left_behind(entries: list[TimelineEntry]) -> list[tuple[str, str | None]]:
    """Objects created and not deleted, from the timeline."""
    created = {e.object_id: (e.kind, e.name) for e in entries if e.action == "create"}
    for e in entries:
        if e.action == "delete":
            created.pop(e.object_id, None)
    return sorted(created.values(), key=str)


def test_the_tests_run_on_a_shadow_against_a_temporary_workflow(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "test", "--remote", "--junit", "repo/r.xml")
    assert code == 0, out + err
    assert out.splitlines() == [
        "PASS on-pay \u203a a success matches",
        "PASS on-pay \u203a a failure does not",
        "2 passed, 0 failed on the stack",
        "2 passed, 0 failed on environment local",
    ]
    assert "workflow pay is not on the stack: testing against a temporary copy (" in err
    with stack(root) as (sandbox, client):
        entries = sandbox.timeline()
        assert left_behind(entries) == []
        created = [(e.kind, e.name or "") for e in without_lock(entries) if e.action == "create"]
        assert [kind for kind, _ in created] == ["workflow", "trigger"]
        assert all(name.startswith(SHADOW_EVENT_PREFIX) for _, name in created)
        assert created[1][1].endswith(":payments/on-pay")
        assert client.list_triggers() == []
    suite = ET.parse(root / "r.xml").getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")


def test_the_definition_s_workflow_on_the_stack_is_used(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        live = workflow(client, "payments/pay")
    code, _, err = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert code == 0
    assert "temporary copy" not in err
    with stack(root) as (sandbox, _):
        entries = sandbox.timeline()
        shadow = next(e for e in entries if e.action == "create" and e.kind == "trigger")
        assert shadow.detail.get("workflowID", live.id) == live.id
        creates = [e.kind for e in without_lock(entries) if e.action == "create"]
        assert creates == ["workflow", "trigger"]
        assert left_behind(entries) == [("workflow", "payments/pay")]  # ours, untouched


def test_a_failing_test_exits_1_and_still_cleans_up(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "defs.yaml").write_text(
        DEFINITIONS.replace("expect: {match: false}", "expect: {match: true}")
    )
    code, out, _ = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert code == 1
    assert out.splitlines() == [
        "PASS on-pay \u203a a success matches",
        "FAIL on-pay \u203a a failure does not",
        "     repo/defs.yaml:15:5",
        "     match: expected true, got false",
        "1 passed, 1 failed on the stack",
        "1 passed, 1 failed on environment local",
    ]
    with stack(root) as (sandbox, _):
        assert left_behind(sandbox.timeline()) == []


def test_a_disagreement_with_the_offline_evaluator_is_loud(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The test's `links` feed link() offline; the stack follows the event's link itself and
    finds nothing there (404): the same test passes offline and fails on the stack."""
    (root / "defs.yaml").write_text(
        "kind: Workflow\nname: pay\nstages: [{noop: {}}]\n---\n"
        "kind: Trigger\nname: on-pay\nworkflow: pay\nevent: SAVED_PAYMENT\n"
        "vars:\n  account: 'link(event, \"account\").id'\n"
        "tests:\n"
        "  - name: follows the link\n"
        "    event: {links: [{name: account, uri: 'http://ledger/a'}]}\n"
        "    links: {account: {id: a1}}\n"
        "    expect: {vars: {account: a1}}\n"
    )
    assert orchctl(capsys, "-C", "repo", "test")[0] == 0  # offline it passes
    code, out, _ = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert code == 1
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("DISAGREE ")] == [
        "DISAGREE on-pay \u203a follows the link: vars.account: the stack gives error: "
        'unexpected status code when reading resource: 404, orchctl\'s evaluator gives "a1"'
    ]
    assert lines[-1] == (
        "0 passed, 1 failed on environment local; 1 DISAGREEMENT with the offline evaluator"
    )


def test_invalid_definitions_run_nothing_on_the_stack(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "defs.yaml").write_text(DEFINITIONS.replace("workflow: pay", "workflow: payy"))
    code, out, err = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1].startswith("orchctl: error: the definitions are invalid")
    with stack(root) as (sandbox, _):
        assert sandbox.timeline() == []


def test_v1_environments_are_refused_before_anything_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    root = make_project(tmp_path / "repo", profile=profile)
    (root / "orchctl.yaml").write_text(
        (root / "orchctl.yaml").read_text().replace("  local:\n", "  local:\n    api_version: v1\n")
    )
    (root / "defs.yaml").write_text(DEFINITIONS)
    code, out, err = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "orchctl: error: --remote needs the v2 API (the test endpoint is v2 only); this "
        "environment uses api_version v1 (hint: set `api_version: v2` for this environment in "
        "orchctl.yaml)"
    )
    with stack(root) as (sandbox, _):
        assert sandbox.timeline() == []


@pytest.mark.socket
def test_ctrl_c_leaves_nothing_behind(tmp_path: Path, profile: str) -> None:
    """SIGINT to a real `orchctl test --remote` process while its shadow is on the stack:
    it exits 130, and the timeline shows every object it created deleted."""
    tests = "".join(
        f"  - name: case {i}\n    event: {{id: p{i}, status: SUCCEEDED}}\n"
        "    expect: {match: true}\n"
        for i in range(40)
    )
    with Sandbox(profile=profile, latency=Latency(fixed_ms=100)) as sandbox:
        server = sandbox.serve("127.0.0.1", 0)
        root = make_project(tmp_path / "repo", environments={"dev": {"url": server.url}})
        (root / "defs.yaml").write_text(DEFINITIONS.split("tests:")[0] + "tests:\n" + tests)
        env = {**os.environ, "NO_COLOR": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "orchctl", "-C", str(root), "--env", "dev", "test", "--remote"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 30
        while not any(e.action == "create" and e.kind == "trigger" for e in sandbox.timeline()):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no shadow was ever created"
            time.sleep(0.02)
        time.sleep(0.3)  # a few test calls in
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        entries = sandbox.timeline()
    assert process.returncode == 130, out + err
    assert "orchctl: interrupted; deleting the shadow triggers..." in err
    assert err.rstrip().endswith("orchctl: aborted")  # click turns Ctrl-C into Abort
    assert "Traceback" not in err
    assert [e.kind for e in without_lock(entries) if e.action == "create"] == [
        "workflow",
        "trigger",
    ]
    assert left_behind(entries) == []  # the lock's objects too: released on Ctrl-C


def test_the_tests_hold_the_apply_lock(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An apply's recovery deletes the shadows it finds: test --remote takes the lock, so
    while another run holds it nothing is written, and the lock is released afterwards."""
    with stack(root) as (sandbox, client):
        lease = acquire(client, environment="local", namespace="payments", timeout=0)
        try:
            before = len(sandbox.timeline())
            code, out, err = orchctl(capsys, "-C", "repo", "test", "--remote")
            assert code == 1, out + err
            error = err.strip().splitlines()[-1]
            assert error.startswith("orchctl: error: environment local is locked by ")
            assert "Traceback" not in err
            after = without_lock(sandbox.timeline()[before:])
            assert after == []  # no shadow, no temporary workflow: only the lock was asked
        finally:
            lease.release()
    code, _, _ = orchctl(capsys, "-C", "repo", "test", "--remote")
    assert code == 0
    with stack(root) as (sandbox, _):
        entries = sandbox.timeline()
        taken = [
            e for e in entries if e.action == "create" and (e.name or "").startswith(LOCK_NAME)
        ]
        assert taken, "test --remote took no lock"
        assert left_behind(entries) == []
