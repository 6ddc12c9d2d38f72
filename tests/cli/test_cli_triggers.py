"""`orchctl triggers` end to end on the embedded sandbox."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from ops_support import make_project, orchctl, stack, trigger, workflow, writes

from orchctl.api import OrchestrationClient
from orchctl.resolve import format_time
from orchctl.sandbox import Sandbox
from orchctl.triggertests import TestResult

FILTER = 'event.status == "SUCCEEDED"'
VARS = {"paymentID": "event.id", "amount": "string(event.amount)"}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "repo", profile=profile)


def test_list_marks_managed_unmanaged_and_dangling(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        gone = workflow(client, "payments/gone")
        ours = trigger(client, "payments/on-pay", wf.id)
        theirs = trigger(client, "hand-made", wf.id, event="SAVED_ACCOUNT")
        dangling = trigger(client, "payments/on-gone", gone.id)
        client.delete_workflow(gone.id)
    code, out, err = orchctl(capsys, "-C", "repo", "triggers", "list")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:-1]}
    assert rows["on-pay"][1:4] == ["managed", "SAVED_PAYMENT", "pay"]
    assert rows["hand-made"][1:4] == ["unmanaged", "SAVED_ACCOUNT", "pay"]
    assert rows["on-gone"][1:5] == ["managed,dangling", "SAVED_PAYMENT", gone.id, "(missing"]
    assert out.splitlines()[-1] == "3 triggers (2 managed, 1 unmanaged, 1 dangling)"
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "list", "-o", "json")
    listed = {t["id"]: t for t in json.loads(out)["triggers"]}
    assert (listed[ours.id]["managed"], listed[ours.id]["dangling"]) == (True, False)
    assert (listed[theirs.id]["managed"], listed[theirs.id]["name"]) == (False, "hand-made")
    assert (listed[dangling.id]["dangling"], listed[dangling.id]["workflow"]) == (True, None)


def test_without_a_namespace_managed_means_defined_in_the_repository(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    root = make_project(tmp_path / "repo", namespace=None, profile=profile)
    (root / "t.yaml").write_text(
        "kind: Workflow\nname: pay\nstages: [{noop: {}}]\n---\n"
        "kind: Trigger\nname: on-pay\nworkflow: pay\nevent: SAVED_PAYMENT\n"
    )
    with stack(root) as (_, client):
        wf = workflow(client, "pay")
        trigger(client, "on-pay", wf.id)
        trigger(client, "other", wf.id)
    _code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "list", "-o", "json")
    assert {t["name"]: t["managed"] for t in json.loads(out)["triggers"]} == {
        "on-pay": True,
        "other": False,
    }


def test_list_follows_every_page_past_15_and_100(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (sandbox, _):
        _, trigger_ids = sandbox.bulk_seed(workflows=3, triggers=130)
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "list", "-o", "json")
    assert code == 0
    assert sorted(t["id"] for t in json.loads(out)["triggers"]) == sorted(trigger_ids)
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "list")
    assert out.splitlines()[-1] == "130 triggers (0 managed, 130 unmanaged, 0 dangling)"


def test_show(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        made = trigger(client, "payments/on-pay", wf.id, filter=FILTER, vars=VARS)
    code, out, err = orchctl(capsys, "-C", "repo", "triggers", "show", "on-pay")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Trigger on-pay (managed)",
        f"  id:         {made.id}",
        "  stack name: payments/on-pay",
        f"  created:    {format_time(made.created_at)}",
        "  event:      SAVED_PAYMENT",
        f"  workflow:   pay ({wf.id})",
        f"  filter:     {FILTER}",
        "  vars:",
        "    amount: string(event.amount)",
        "    paymentID: event.id",
    ]
    code, by_id, _ = orchctl(capsys, "-C", "repo", "triggers", "show", made.id)
    assert by_id == out
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "show", "on-pay", "-o", "json")
    assert json.loads(out)["trigger"]["vars"] == VARS


def test_ambiguous_and_unknown_names(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        first = trigger(client, "payments/on-pay", wf.id)
        second = trigger(client, "payments/on-pay", wf.id)
    (root / "e.json").write_text("{}")
    for command in (["show"], ["occurrences"], ["test", "--event", "repo/e.json"]):
        code, out, err = orchctl(
            capsys, "-C", "repo", "triggers", command[0], "on-pay", *command[1:]
        )
        assert (code, out) == (1, "")
        assert len(err.splitlines()) == 1
        assert err.startswith("orchctl: error: 2 triggers are named 'on-pay' (payments/on-pay)")
        assert first.id in err
        assert second.id in err
        assert err.count("(created 20") == 2
    code, out, err = orchctl(capsys, "-C", "repo", "triggers", "show", "on-paid")
    assert err == (
        "orchctl: error: no trigger named 'on-paid' on environment local "
        "(hint: did you mean `on-pay`?)\n"
    )
    code, out, err = orchctl(capsys, "-C", "repo", "triggers", "show", "zzz")
    assert err == "orchctl: error: no trigger named 'zzz' on environment local\n"


def test_occurrences_all_pages_limit_and_errors(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (sandbox, client):
        wf = workflow(client, "payments/pay")
        trigger(client, "payments/on-pay", wf.id, vars={"n": "event.n + 1"})
        for i in range(120):
            sandbox.emit("SAVED_PAYMENT", {"id": f"p{i}", "n": i})
        sandbox.emit("SAVED_PAYMENT", {"id": "bad", "n": "x"})
    code, out, err = orchctl(
        capsys, "-C", "repo", "triggers", "occurrences", "on-pay", "-o", "json"
    )
    assert (code, err) == (0, "")
    found = json.loads(out)["occurrences"]
    assert len(found) == 121
    assert sorted(o["event"]["id"] for o in found) == sorted(
        [f"p{i}" for i in range(120)] + ["bad"]
    )
    failed = [o for o in found if o["error"]]
    assert [(o["event"]["id"], o["instance_id"]) for o in failed] == [("bad", None)]
    code, out, _ = orchctl(
        capsys, "-C", "repo", "triggers", "occurrences", "on-pay", "--limit", "3"
    )
    lines = out.splitlines()
    assert lines[0].split() == ["DATE", "INSTANCE", "ERROR", "EVENT", "ID"]
    assert len(lines) == 5
    assert lines[-1] == "3 of 121 occurrences (1 with an error)"
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "occurrences", "on-pay")
    assert out.splitlines()[-1] == "121 occurrences (1 with an error)"
    bad = next(line for line in out.splitlines() if line.endswith(" bad"))
    assert re.split(r"\s{2,}", bad)[1:] == [
        "-",
        "evaluating var 'n': invalid operation: string + int (1:9)",
        "bad",
    ]


def test_a_trigger_that_never_fired(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        trigger(client, "payments/on-pay", workflow(client, "payments/pay").id)
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "occurrences", "on-pay")
    assert (code, out) == (0, "Trigger on-pay has not fired.\n")


def test_test_against_the_live_trigger_from_a_file_and_stdin(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        trigger(client, "payments/on-pay", wf.id, filter=FILTER, vars=VARS)
    (root / "ok.json").write_text('{"id": "p1", "status": "SUCCEEDED", "amount": 100}')
    code, out, err = orchctl(
        capsys, "-C", "repo", "triggers", "test", "on-pay", "--event", "repo/ok.json"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "PASS on-pay \u203a repo/ok.json",
        "     match: true",
        "     vars.amount = '100'",
        "     vars.paymentID = 'p1'",
        "1 passed, 0 failed",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("id: p2\nstatus: FAILED\n"))
    code, out, _ = orchctl(capsys, "-C", "repo", "triggers", "test", "on-pay", "--event", "-")
    assert code == 0
    assert out.splitlines() == [
        "PASS on-pay \u203a stdin",
        "     match: false",
        "1 passed, 0 failed",
    ]
    with stack(root) as (sandbox, _):
        assert ("run", "instance") not in writes(sandbox)  # testing fires nothing


def test_test_with_a_failing_expression_exits_1(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        trigger(client, "payments/on-pay", wf.id, filter="event.amount > 10")
    (root / "bad.json").write_text('{"amount": "lots"}')
    code, out, err = orchctl(
        capsys, "-C", "repo", "triggers", "test", "on-pay", "--event", "repo/bad.json"
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "FAIL on-pay \u203a repo/bad.json"
    assert lines[1].startswith("     filter: error: ")
    assert lines[-1] == "0 passed, 1 failed"
    assert err == ""  # the stack and the offline evaluator agree


def test_test_refuses_a_payload_that_is_not_an_object(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "list.json").write_text("[1, 2]")
    code, out, err = orchctl(
        capsys, "-C", "repo", "triggers", "test", "x", "--event", "repo/list.json"
    )
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: repo/list.json: the event payload must be a JSON object, got list\n"
    )


def test_disagreements_are_one_loud_line_each() -> None:
    from orchctl.cli.triggers import disagreements

    stack_side = TestResult("t", "e.json", True, True, vars={"a": "1", "b": "x"})
    offline = TestResult("t", "e.json", True, True, vars={"a": "1.0"}, var_errors={"b": "boom"})
    head = "t \u203a e.json"
    assert disagreements(stack_side, offline) == [
        f'{head}: vars.a: the stack gives "1", orchctl\'s evaluator gives "1.0"',
        f'{head}: vars.b: the stack gives "x", orchctl\'s evaluator gives error: boom',
    ]
    unmatched = TestResult("t", "e.json", True, False)
    assert disagreements(stack_side, unmatched) == [
        f"{head}: match: the stack gives true, orchctl's evaluator gives false"
    ]
    assert disagreements(stack_side, stack_side) == []


@pytest.mark.socket
def test_a_payload_the_stack_judges_differently_is_loud(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    """link() is followed by the stack (the sandbox serves the uri); offline there is no
    link table for a bare payload, so orchctl's evaluator errs: a loud DISAGREE line."""
    monkeypatch.chdir(tmp_path)
    with Sandbox(profile=profile) as sandbox:
        server = sandbox.serve("127.0.0.1", 0)
        root = make_project(tmp_path / "repo", environments={"dev": {"url": server.url}})
        with OrchestrationClient(transport=sandbox.transport()) as client:
            wf = workflow(client, "payments/pay")
            trigger(client, "payments/on-pay", wf.id, vars={"account": 'link(event, "account").id'})
        sandbox.set_links({"http://ledger/a": {"body": {"data": {"id": "a2"}}}})
        (root / "e.json").write_text('{"links": [{"name": "account", "uri": "http://ledger/a"}]}')
        code, out, err = orchctl(
            capsys,
            "-C",
            "repo",
            "--env",
            "dev",
            "triggers",
            "test",
            "on-pay",
            "--event",
            "repo/e.json",
        )
    assert code == 0
    lines = out.splitlines()
    assert lines[:4] == [
        "PASS on-pay \u203a repo/e.json",
        "     match: true",
        "     vars.account = 'a2'",
        "1 passed, 0 failed",
    ]
    assert lines[4].startswith(
        'DISAGREE on-pay \u203a repo/e.json: vars.account: the stack gives "a2", '
        "orchctl's evaluator gives error: link(): no linked resource 'account'"
    )
    assert len(lines) == 5
    assert err == (
        "warning: the stack and orchctl's evaluator disagree: what `orchctl test` says offline "
        "is not what this stack does; please report it with this payload\n"
    )
