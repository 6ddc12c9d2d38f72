"""`orchctl apply` end to end on the embedded sandbox: output, exit codes, confirmation,
saved plans, -o json events, secrets."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest

from orchctl.api import OrchestrationClient
from orchctl.cli.main import run
from orchctl.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


LOCAL_ENTRY = (
    "  local:                                  # no url: the embedded sandbox (.orchctl/)\n"
)


@pytest.fixture(params=["current", "patched"])
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """The examples, on the embedded sandbox of either profile (issue 9)."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    config = root / "orchctl.yaml"
    text = config.read_text()
    assert LOCAL_ENTRY in text
    config.write_text(
        text.replace(LOCAL_ENTRY, f"{LOCAL_ENTRY}    sandbox: {{profile: {request.param}}}\n")
    )
    monkeypatch.chdir(tmp_path)
    return root


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def request_profile(root: Path) -> str:
    return "patched" if "profile: patched" in (root / "orchctl.yaml").read_text() else "current"


def test_apply_then_plan_has_no_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "apply", "--auto-approve")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-1] == "Apply complete: 16 created, 0 replaced, 0 deleted."
    assert lines[-2] == "  = re-read: the stack matches the repository"
    assert sum(1 for line in lines if line.startswith("  + ") and ": created " in line) == 16
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 0
    assert "No changes. The stack matches the repository." in out
    last = json.loads((project / ".orchctl" / "last-apply.json").read_text())
    assert (last["status"], last["created"]) == ("complete", 16)


def test_a_second_apply_has_nothing_to_do(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orchctl(capsys, "-C", "repo", "apply", "--auto-approve")[0] == 0
    code, out, _ = orchctl(capsys, "-C", "repo", "apply", "--auto-approve")
    assert code == 0
    assert out.splitlines() == [
        "No changes. The stack matches the repository.",
        "",
        "  = re-read: the stack matches the repository",
        "Apply complete: 0 created, 0 replaced, 0 deleted.",
    ]


def test_without_a_terminal_it_refuses_unless_auto_approved(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "apply")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "orchctl: error: refusing to apply without confirmation: not a terminal, so nobody can "
        "answer (hint: pass --auto-approve)"
    ]
    assert not (project / ".orchctl" / "sandbox-local.db").exists()


def test_json_events_validate_against_the_schema(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "apply", "--auto-approve", "-o", "json")
    assert code == 0
    schema = json.loads((REPO / "schemas" / "apply-events.schema.json").read_text())
    events = [json.loads(line) for line in out.splitlines()]
    for event in events:
        jsonschema.validate(event, schema)
    assert events[0]["type"] == "apply_start"
    assert events[-1]["type"] == "change_summary"
    assert (events[-1]["status"], events[-1]["created"]) == ("complete", 16)


def test_a_saved_plan_applies_once_with_the_real_secret(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project / "orchctl.yaml"
    config.write_text(
        config.read_text().replace(
            "      payout_psp: dummypay\n",
            "      payout_psp: {env: PSP_NAME, sensitive: true}\n",
            1,
        )
    )
    monkeypatch.setenv("PSP_NAME", "secret-psp-account")
    assert orchctl(capsys, "-C", "repo", "plan", "--out", "plan.json")[0] == 0
    code, out, err = orchctl(capsys, "-C", "repo", "apply", "--auto-approve", "plan.json")
    assert code == 0, err
    assert "secret-psp-account" not in out + err
    assert "secret-psp-account" not in (project / ".orchctl" / "last-apply.json").read_text()
    with (
        Sandbox.local(str(project), profile=request_profile(project)) as sb,
        OrchestrationClient(transport=sb.transport()) as client,
    ):
        stages = json.dumps([w.config.stages for w in client.list_workflows()])
    assert "secret-psp-account" in stages  # sent from the repository, not the masked file
    assert "(sensitive)" not in stages
    code, out, err = orchctl(capsys, "-C", "repo", "apply", "--auto-approve", "plan.json")
    assert code == 1
    assert err.splitlines()[-1].startswith(
        "orchctl: error: the saved plan is stale: the stack changed since it was made"
    )


def test_failing_offline_tests_stop_before_the_stack(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trigger = project / "triggers" / "credit-wallet-on-payin.yaml"
    trigger.write_text(
        trigger.read_text().replace(
            "vars: {paymentID: pay_01J9Z6Q8K4", "vars: {paymentID: pay_other", 1
        )
    )
    code, _, err = orchctl(capsys, "-C", "repo", "apply", "--auto-approve")
    assert code == 1
    assert err.splitlines()[-1] == (
        "orchctl: error: the trigger tests fail offline; nothing was read from or written to the "
        "stack (hint: run `orchctl test`)"
    )
    assert not (project / ".orchctl" / "sandbox-local.db").exists()


def test_a_bad_lock_timeout_is_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = orchctl(
        capsys, "-C", "repo", "apply", "--auto-approve", "--lock-timeout", "soon"
    )
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith("orchctl: error: --lock-timeout: time: invalid duration")


def test_plan_and_drift_say_when_a_lock_is_held_and_show_leftover_shadows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchctl.api import TriggerSpec
    from orchctl.apply.lock import acquire

    assert orchctl(capsys, "-C", "repo", "apply", "--auto-approve")[0] == 0
    with (
        Sandbox.local(str(project), profile=request_profile(project)) as sb,
        OrchestrationClient(transport=sb.transport()) as client,
    ):
        workflow = client.list_workflows()[0]
        client.create_trigger(
            TriggerSpec(
                "orchctl-shadow-0123456789", workflow.id, "orchctl-shadow-0123456789:payments/x"
            )
        )
        with acquire(client, environment="local", namespace="payments", timeout=0) as lease:
            for command in ("plan", "drift"):
                code, out, err = orchctl(capsys, "-C", "repo", command)
                assert code == 0, err
                notes = [line for line in err.splitlines() if line.startswith("note: ")]
                assert notes[0].startswith("note: environment local is locked by ")
                assert notes[0].endswith(
                    f"(lock {lease.lock_id}): an apply is running, so the stack may be changing"
                )
                assert notes[1].startswith(
                    "note: 1 leftover shadow trigger of an interrupted apply"
                )
                assert "orchctl-shadow" not in out  # never planned over
            code, _, err = orchctl(capsys, "-C", "repo", "apply", "--auto-approve")
            assert code == 1
            assert "environment local is locked by" in err
    code, out, _ = orchctl(capsys, "-C", "repo", "apply", "--auto-approve")
    assert code == 0
    assert "  - leftover shadow trigger: deleted " in out


class TerminalInput(io.StringIO):
    """Someone at a terminal typing `answer`."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("n\n", 1), ("y\n", 0)])
def test_on_a_terminal_it_asks(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
) -> None:
    monkeypatch.setattr(sys, "stdin", TerminalInput(answer))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    got, out, err = orchctl(capsys, "--no-color", "-C", "repo", "apply")
    assert got == code, err
    assert "Apply these changes? [y/N]: " in out
    if code:
        assert err.splitlines()[-1] == "orchctl: error: apply cancelled; nothing was written"
        with (
            Sandbox.local(str(project), profile=request_profile(project)) as sb,
            OrchestrationClient(transport=sb.transport()) as client,
        ):
            assert client.list_triggers() == []
            assert client.list_workflows() == []  # the lock is released, nothing else written
    else:
        assert out.splitlines()[-1] == "Apply complete: 16 created, 0 replaced, 0 deleted."


def test_a_long_apply_on_a_terminal_shows_a_bar(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import orchctl.cli.apply as command

    monkeypatch.setattr(command, "BAR_FROM", 10)  # the examples make 25 steps
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = orchctl(capsys, "--no-color", "-C", "repo", "apply", "--auto-approve")
    assert code == 0
    assert "\r  [##############################] 25/25 steps" in err
    assert ": created " not in out  # the bar instead of a line per step
    assert out.splitlines()[-1] == "Apply complete: 16 created, 0 replaced, 0 deleted."


def test_last_apply_json_masks_sensitive_values_a_server_error_echoes(tmp_path: Path) -> None:
    """A server's error text may echo a value of a sensitive parameter; the report file
    is masked like the terminal output."""
    from orchctl.apply.engine import ApplyReport, write_last_apply
    from orchctl.apply.executor import Outcome, StepFailed
    from orchctl.apply.steps import Step, StepKind
    from orchctl.plan.model import Plan
    from orchctl.render.redact import make_redactor
    from orchctl.stack import Target

    step = Step(key="create-workflow:pay", kind=StepKind.CREATE_WORKFLOW, name="pay")
    failed = Outcome(step, "failed", error=StepFailed("unable to parse 'secret-psp-1' as big int"))
    report = ApplyReport(Plan("local", None, ()), (failed,), (), (), {}, (), 0.1)
    target = Target(environment="local", url=None, sandbox_state="repo/.orchctl/sandbox-local.db")
    path = write_last_apply(str(tmp_path), report, target, make_redactor(["secret-psp-1"]))
    text = Path(path).read_text()
    assert "secret-psp-1" not in text
    assert "(sensitive)" in text
