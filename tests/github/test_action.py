"""action.yml and the example workflows: inputs reach scripts only through env, and the
action's own scripts run for real (bash, the installed orchctl, the GitHub double)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from github_double import State
from github_support import EXAMPLES, TOKEN, delete_live_trigger

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
WORKFLOWS = sorted((REPO / "examples" / "github").glob("*.yml"))
ORCHCTL = Path(sys.executable).parent / "orchctl"


def steps() -> list[dict[str, Any]]:
    return list(ACTION["runs"]["steps"])


def script(step_id: str | None = None, name: str | None = None) -> str:
    (step,) = [
        s
        for s in steps()
        if (step_id and s.get("id") == step_id) or (name and s.get("name") == name)
    ]
    return str(step["run"])


def test_no_expression_is_interpolated_into_a_script() -> None:
    runs = [s["run"] for s in steps() if "run" in s]
    assert len(runs) == 3
    for run in runs:
        assert "${{" not in run
    for path in WORKFLOWS:
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), path


def test_every_input_is_used_and_every_output_is_set() -> None:
    text = (REPO / "action.yml").read_text()
    for name in ACTION["inputs"]:
        assert f"inputs.{name} }}" in text, name
    assert set(ACTION["outputs"]) == {"exit-code", "has-changes", "plan-file"}
    for name, output in ACTION["outputs"].items():
        assert output["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert f'echo "{name}=' in script("run")


def test_secrets_reach_the_action_only_through_env() -> None:
    for path in WORKFLOWS:
        text = path.read_text()
        for job in yaml.safe_load(text)["jobs"].values():
            for step in job["steps"]:
                assert "secrets." not in str(step.get("with", {})), path
                assert "secrets." not in step.get("run", ""), path
        assert "secrets." in text or path.name == "drift.yml"


def test_apply_never_cancels_a_running_apply_and_groups_by_environment() -> None:
    apply = yaml.safe_load((REPO / "examples" / "github" / "apply.yml").read_text())
    job = apply["jobs"]["apply"]
    assert job["concurrency"] == {
        "group": "orchctl-apply-${{ matrix.environment }}",
        "cancel-in-progress": False,
    }
    assert job["needs"] == "plan"
    assert apply[True] == {"push": {"branches": ["main"]}}  # YAML 1.1 reads `on` as true


def test_examples_are_not_read_as_definitions(capsys: pytest.CaptureFixture[str]) -> None:
    from orchctl.cli.main import run

    assert run(["-C", str(EXAMPLES), "validate"]) == 0
    out = capsys.readouterr().out
    assert out == "Valid: 9 workflows, 7 triggers in 15 files (environment local).\n"


# -- the scripts, run ---------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(EXAMPLES, root / "flows", ignore=shutil.ignore_patterns(".orchctl"))
    (tmp_path / "runner-temp").mkdir()
    return root


def run_step(workspace: Path, code: str, **inputs: str) -> tuple[int, str, dict[str, str], str]:
    """Run a step's script as the runner would: (exit code, output, outputs, summary)."""
    temp = workspace.parent / "runner-temp"
    output, summary = temp / "output", temp / "summary.md"
    output.write_text("")
    summary.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ["HOME"],
        "NO_COLOR": "1",
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "ORCHCTL": str(ORCHCTL),
        "ORCHCTL_PYTHON": sys.executable,
        "INPUT_COMMAND": "",
        "INPUT_ENVIRONMENT": "",
        "INPUT_WORKING_DIRECTORY": "flows",
        "INPUT_ARGS": "",
        "INPUT_PLAN_FILE": "",
        "INPUT_DRIFT_ISSUE": "true",
        "GITHUB_TOKEN": "",
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith("GITHUB_")})
    env.update(inputs)
    step_file = temp / "step.sh"
    step_file.write_text(code)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(step_file)],  # `shell: bash`
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if line)
    return done.returncode, done.stdout + done.stderr, outputs, summary.read_text()


def test_plan_saves_the_plan_and_reports_changes(workspace: Path) -> None:
    code, log, outputs, summary = run_step(
        workspace, script("run"), INPUT_COMMAND="plan", INPUT_ENVIRONMENT="local"
    )
    assert code == 0, log
    plan_file = workspace / "flows" / ".orchctl" / "plan-local.json"
    assert outputs == {"exit-code": "2", "has-changes": "true", "plan-file": str(plan_file)}
    assert plan_file.is_file()
    assert "Plan: 16 to create, 0 to replace, 0 to delete." in log
    assert summary.startswith("### orchctl plan — environment <code>local</code>")


def test_args_are_split_like_a_shell_but_never_run(workspace: Path) -> None:
    code, log, outputs, _ = run_step(
        workspace,
        script("run"),
        INPUT_COMMAND="plan",
        INPUT_ARGS="--parallelism '2' --show-unmanaged",
        INPUT_PLAN_FILE="out/my plan.json",
    )
    assert code == 0, log
    assert outputs["plan-file"] == str(workspace / "flows" / "out" / "my plan.json")
    for hostile in ("$(touch PWNED)", "`touch PWNED`", "; touch PWNED", "x\necho ::set-output"):
        code, log, outputs, _ = run_step(
            workspace, script("run"), INPUT_COMMAND="plan", INPUT_ENVIRONMENT=hostile
        )
        assert code == 1, log
        code, log, outputs, _ = run_step(
            workspace, script("run"), INPUT_COMMAND="plan", INPUT_ARGS=f"'{hostile}'"
        )
        assert code == 1, log  # an unexpected argument: not "changes"
        assert outputs["has-changes"] == "false"
        assert not list(workspace.rglob("PWNED")), hostile
    code, log, _, _ = run_step(workspace, script("run"), INPUT_COMMAND="plan", INPUT_ARGS="'open")
    assert code == 1
    assert "::error title=orchctl::the args input has unbalanced quotes" in log


def test_drift_fails_the_step_with_exit_2(workspace: Path) -> None:
    code, log, outputs, summary = run_step(
        workspace, script("run"), INPUT_COMMAND="drift", INPUT_DRIFT_ISSUE="false"
    )
    assert code == 2, log
    assert outputs["exit-code"] == "2"
    assert outputs["has-changes"] == "true"
    assert summary.startswith("### :warning: orchctl drift — `local`")


@pytest.mark.socket
def test_comment_posts_through_the_double(workspace: Path, github: State) -> None:
    number = github.add_pull_request()
    assert run_step(workspace, script("run"), INPUT_COMMAND="plan")[0] == 0
    code, log, outputs, summary = run_step(
        workspace,
        script("run"),
        INPUT_COMMAND="comment",
        INPUT_ARGS=f"--pr {number}",
        GITHUB_TOKEN=TOKEN,
    )
    assert code == 0, log
    assert outputs["exit-code"] == "0"
    assert len(github.comments_on(number)) == 1
    assert summary == ""  # the plan step writes the summary, not the comment step
    assert TOKEN not in log


def test_an_unknown_command(workspace: Path) -> None:
    code, log, _, _ = run_step(workspace, script("run"), INPUT_COMMAND="destroy")
    assert code == 1
    assert "::error title=orchctl::command must be plan, apply, drift or comment" in log


def test_install_refuses_a_version_that_is_not_exact(workspace: Path) -> None:
    install = script(name="Install orchctl")
    for version in ("latest", ">=0.1", "0.1.0; touch PWNED", "0.1.*"):
        code, log, _, _ = run_step(
            workspace, install, ORCHCTL_VERSION=version, PYTHON="/nonexistent", ORCHCTL_VENV="v"
        )
        assert code == 1
        assert "the version input must be an exact version such as 0.1.0" in log
    assert not list(workspace.rglob("PWNED"))


def test_apply_uses_the_saved_plan_and_plans_again_when_it_is_stale(workspace: Path) -> None:
    flows = workspace / "flows"
    code, log, outputs, _ = run_step(workspace, script("run"), INPUT_COMMAND="plan")
    assert code == 0, log
    code, log, outputs, _ = run_step(
        workspace, script("run"), INPUT_COMMAND="apply", INPUT_PLAN_FILE=outputs["plan-file"]
    )
    assert code == 0, log
    assert "stale" not in log
    assert outputs["exit-code"] == "0"
    # a saved plan, then the stack changes behind it
    path = flows / "triggers" / "credit-wallet-on-payin.yaml"
    path.write_text(path.read_text().replace('"SUCCEEDED"', '"SUCCEEDED" && event.amount > 0', 1))
    code, log, outputs, _ = run_step(workspace, script("run"), INPUT_COMMAND="plan")
    assert outputs["has-changes"] == "true", log
    delete_live_trigger(flows, "payout-on-withdrawal")
    code, log, outputs, _ = run_step(
        workspace, script("run"), INPUT_COMMAND="apply", INPUT_PLAN_FILE=outputs["plan-file"]
    )
    assert code == 0, log
    assert "orchctl: error: the saved plan is stale: the stack changed since it was made" in log
    assert (
        "::notice title=orchctl::the saved plan is stale: planning again and applying that" in log
    )
    code, log, outputs, _ = run_step(
        workspace, script("run"), INPUT_COMMAND="drift", INPUT_DRIFT_ISSUE="false"
    )
    assert (code, outputs["has-changes"]) == (0, "false"), log
