"""plan and drift agree across namespaces: a dangling trigger of another namespace is
unmanaged for both (issue 10, item 4, the trial's case)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from orchctl.api import OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.cli.main import run
from orchctl.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    config = root / "orchctl.yaml"
    config.write_text(config.read_text().replace("namespace: payments", "namespace: ns1"))
    monkeypatch.chdir(tmp_path)
    return root


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_dangling_trigger_of_namespace_payments_is_not_drift_of_ns1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox.local(str(project)) as box, OrchestrationClient(transport=box.transport()) as c:
        flow = c.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="payments/old-flow"))
        hook = c.create_trigger(
            TriggerSpec(event="SAVED_PAYMENT", workflow_id=flow.id, name="payments/old-hook")
        )
        c.delete_workflow(flow.id)  # payments' trigger now dangles
    assert orchctl(capsys, "-C", "repo", "apply", "--auto-approve")[0] == 0

    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 0
    assert out.splitlines()[-3:] == [
        "No changes. The stack matches the repository.",
        "",
        "1 unmanaged object not shown (--show-unmanaged).",
    ]
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert (code, out.splitlines()[-1]) == (
        0,
        "In sync: 9 workflows and 7 triggers match the repository.",
    )
    code, out, _ = orchctl(capsys, "-C", "repo", "drift", "--show-unmanaged")
    assert code == 0
    assert re.sub(r"\[[0-9a-f-]+\]", "[ID]", out).splitlines() == [
        "orchctl drift — environment local, namespace ns1",
        "",
        "  unmanaged  Trigger payments/old-hook  not managed by orchctl [ID]",
        "",
        "In sync: 9 workflows and 7 triggers match the repository.",
    ]
    assert hook.id in out
