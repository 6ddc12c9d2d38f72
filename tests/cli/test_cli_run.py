"""`orchctl run` end to end on the embedded sandbox: ids, waiting, variables, names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ops_support import WAIT, make_project, orchctl, stack, workflow, writes

UUID = re.compile(r"^[0-9a-f-]{36}$")
SEND = (
    {
        "send": {
            "source": {"account": {"id": "world"}},
            "destination": {"account": {"id": "${walletID}"}},
            "amount": {"amount": "${amount}", "asset": "USD/2"},
        }
    },
)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "repo", profile=profile)


def test_prints_the_instance_id_and_the_run_exists(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/smoke")
    code, out, err = orchctl(capsys, "-C", "repo", "run", "smoke")
    assert (code, err) == (0, "")
    assert UUID.match(out.strip())
    with stack(root) as (sandbox, client):
        assert client.get_instance(out.strip()).workflow_id == client.list_workflows()[0].id
        assert writes(sandbox)[-1] == ("run", "instance")


def test_wait_reports_success(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/smoke")
    code, out, err = orchctl(capsys, "-C", "repo", "run", "smoke", "--wait")
    instance = out.strip()
    assert code == 0
    assert re.fullmatch(rf"Run {instance} succeeded in \d+\.\ds\.\n", err)


def test_wait_on_a_failing_run_exits_1_with_the_error(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/pay", SEND)
    code, out, err = orchctl(capsys, "-C", "repo", "run", "pay", "--var", "walletID=w1", "--wait")
    instance = out.strip()
    assert code == 1
    warning, ended = err.splitlines()
    assert warning == (
        'warning: workflow pay uses ${amount}, which is not given: at run time it becomes "" '
        "and the field's default applies (--var amount=VALUE)"
    )
    with stack(root) as (_, client):
        error = client.get_instance(instance).error
    assert error  # the run failed: `amount` became "" (the sandbox words it like the service)
    assert re.fullmatch(rf"Run {instance} failed at stage 0 in \d+\.\ds: {re.escape(error)}", ended)


def test_variables_reach_the_run_from_the_file_and_the_flags(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/pay", SEND)
    (root / "vars.yaml").write_text("walletID: from-file\namount: 100\nunused: x\n")
    code, out, err = orchctl(
        capsys,
        "-C", "repo", "run", "pay", "--vars-file", "repo/vars.yaml", "--var", "walletID=w9",
        "--wait",
    )  # fmt: skip
    assert code == 0
    assert err.splitlines()[0] == "warning: variable unused is not used by workflow pay"
    with stack(root) as (_, client):
        history = client.get_instance_history(out.strip())
    assert history[0].input["destination"]["account"]["id"] == "w9"  # --var wins
    assert history[0].input["amount"]["amount"] == 100  # "100", resolved as a big integer


def test_an_unknown_workflow_is_one_line_with_a_suggestion(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/payin-to-wallet")
    code, out, err = orchctl(capsys, "-C", "repo", "run", "payin")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: no workflow named 'payin' on environment local "
        "(hint: did you mean `payin-to-wallet`?)\n"
    )


def test_an_ambiguous_name_lists_ids_and_dates_and_runs_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        first = workflow(client, "payments/smoke")
        second = workflow(client, "payments/smoke")
    code, out, err = orchctl(capsys, "-C", "repo", "run", "smoke")
    assert (code, out) == (1, "")
    older, newer = sorted((first, second), key=lambda w: (w.created_at, w.id))
    assert err.startswith(
        "orchctl: error: 2 workflows are named 'smoke' (payments/smoke) on environment local: "
        f"{older.id} (created "
    )
    assert f"{newer.id} (created " in err
    assert err.endswith("(hint: pass one of the ids instead)\n")
    assert len(err.splitlines()) == 1
    with stack(root) as (sandbox, _):
        assert ("run", "instance") not in writes(sandbox)
    code, out, _ = orchctl(capsys, "-C", "repo", "run", first.id)  # an id always works
    assert code == 0


def test_a_stack_name_and_a_name_outside_the_namespace(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/smoke")
        workflow(client, "legacy-job")
    assert orchctl(capsys, "-C", "repo", "run", "payments/smoke")[0] == 0
    assert orchctl(capsys, "-C", "repo", "run", "legacy-job")[0] == 0


def test_a_malformed_var_is_one_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "run", "smoke", "--var", "novalue")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: --var 'novalue': expected NAME=VALUE (hint: e.g. --var walletID=w1)\n"
    )


def test_a_vars_file_that_is_not_a_map(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "vars.yaml").write_text("- a\n")
    code, _, err = orchctl(capsys, "-C", "repo", "run", "smoke", "--vars-file", "repo/vars.yaml")
    assert code == 1
    assert err == "orchctl: error: repo/vars.yaml: expected a map of NAME: VALUE, got list\n"


def test_wait_gives_up_after_the_timeout_with_the_id_printed(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        workflow(client, "payments/waiting", WAIT)
    code, out, err = orchctl(capsys, "-C", "repo", "run", "waiting", "--wait", "--timeout", "0.3")
    instance = out.strip()
    assert code == 1
    assert UUID.match(instance)
    assert err == (
        f"Run {instance} is still running; stopped waiting "
        f"(`orchctl instances show {instance}` follows it)\n"
    )
