"""`orchctl plan` and `orchctl drift` end to end on the embedded sandbox: output, exit codes,
saved plans, blocking, secrets."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from orchctl.api import OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.cli.main import run
from orchctl.definitions.loader import load_project
from orchctl.plan.desired import desired_from_project
from orchctl.plan.identity import Namer
from orchctl.plan.planfile import load_plan
from orchctl.sandbox import Sandbox
from orchctl.validation import schemas

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


LOCAL_ENTRY = (
    "  local:                                  # no url: the embedded sandbox (.orchctl/)\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    config = root / "orchctl.yaml"
    text = config.read_text()
    assert LOCAL_ENTRY in text
    config.write_text(
        text.replace(LOCAL_ENTRY, f"{LOCAL_ENTRY}    sandbox: {{profile: {profile}}}\n")
    )
    monkeypatch.chdir(tmp_path)
    return root


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sandbox_of(root: Path) -> Sandbox:
    return Sandbox.local(str(root))


def converge(root: Path) -> dict[str, str]:
    """Make the embedded stack match the repository (what `apply` will do); name -> id."""
    project = load_project(str(root))
    desired = desired_from_project(project)
    namer = Namer(project.config.namespace)
    ids: dict[str, str] = {}
    with (
        sandbox_of(root) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        for w in desired.workflows:
            created = client.create_workflow(
                WorkflowConfig(stages=tuple(w.stages), name=namer.stack_name(w.name))
            )
            ids[w.name] = created.id
        for t in desired.triggers:
            client.create_trigger(
                TriggerSpec(
                    event=t.event,
                    workflow_id=ids[t.workflow],
                    name=namer.stack_name(t.name),
                    filter=t.filter,
                    vars=t.vars,
                )
            )
    return ids


def test_fresh_checkout_plans_everything_as_creates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 2
    assert out.startswith("orchctl plan — environment local, namespace payments\n")
    assert out.rstrip().endswith("Plan: 16 to create, 0 to replace, 0 to delete.")
    assert "Reading environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)" in err
    code, out, _ = orchctl(capsys, "-C", "repo", "plan")
    assert code == 0  # without --detailed-exitcode, changes are not an error


def test_json_output_validates_against_the_plan_schema(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "plan", "-o", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(schemas.validator("plan").iter_errors(document)) == []
    assert document["summary"]["create"] == 16


def test_in_sync_after_converging(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    converge(project)
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 0
    assert "No changes. The stack matches the repository." in out
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert code == 0
    assert out.rstrip().endswith("In sync: 9 workflows and 7 triggers match the repository.")


def test_a_changed_workflow_is_replaced_and_its_trigger_follows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    converge(project)
    path = project / "workflows" / "refund-after-cooling-off.yaml"
    path.write_text(path.read_text().replace("duration: 72h", "duration: 96h"))
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 2
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "Workflow refund-after-cooling-off" in line)
    assert lines[start].strip().startswith("+/- Workflow refund-after-cooling-off")
    assert lines[start + 1].strip() == "reason: stages[0].delay.duration changed"
    assert lines[start + 2].strip() == '~ stages[0].delay.duration: "72h" -> "96h"'
    assert "reason: workflow refund-after-cooling-off replaced" in out
    assert out.rstrip().endswith("Plan: 0 to create, 2 to replace, 0 to delete.")
    code, out, _ = orchctl(capsys, "-C", "repo", "drift", "-o", "json")
    assert code == 2
    report = json.loads(out)
    assert report["in_sync"] is False
    # the trigger only follows its workflow: not drift of its own
    assert [(i["category"], i["name"]) for i in report["items"]] == [
        ("changed", "refund-after-cooling-off"),
    ]


def test_a_replaced_saved_payment_trigger_says_its_memory_is_lost(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9 item 13: the plan says what a replacement costs, in text and in json."""
    converge(project)
    path = project / "workflows" / "payin-to-wallet.yaml"
    path.write_text(path.read_text().replace("origin: payin", "origin: card-payin"))
    code, out, _ = orchctl(capsys, "-C", "repo", "plan")
    assert code == 0
    assert (
        "        risk: once-per-object memory lost: payments saved again after the swap that "
        "still match start workflow payin-to-wallet a second time (the service remembers "
        "processed payments per trigger id, and the replacement has a new one)"
    ) in out.splitlines()
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "-o", "json")
    trigger = next(c for c in json.loads(out)["changes"] if c["name"] == "credit-wallet-on-payin")
    assert [(r["code"], r.get("event")) for r in trigger["risks"]] == [
        ("gap", None),
        ("once-per-object-reset", "SAVED_PAYMENT"),
    ]


def test_unmanaged_trigger_blocks_unless_forced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = converge(project)
    with (
        sandbox_of(project) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        client.create_trigger(
            TriggerSpec(event="SAVED_PAYMENT", workflow_id=ids["payin-to-wallet"], name="hand-made")
        )
    path = project / "workflows" / "payin-to-wallet.yaml"
    path.write_text(path.read_text().replace("origin: payin", "origin: pay-in"))
    code, out, err = orchctl(capsys, "-C", "repo", "plan", "--out", "p.json")
    assert code == 1
    assert "Blocked: this plan cannot be applied (--force overrides):" in out
    assert err.splitlines()[-1] == (
        "orchctl: error: the plan is blocked: 1 trigger orchctl does not manage would be "
        "left dangling (hint: delete or adopt those triggers, or pass --force)"
    )
    assert not Path("p.json").exists()  # a blocked plan is not saved
    code, _, _ = orchctl(capsys, "-C", "repo", "plan", "--force")
    assert code == 0


def test_saved_plan_round_trips_without_secrets(
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
    code, out, err = orchctl(capsys, "-C", "repo", "plan", "--out", "plan.json")
    assert code == 0, err
    assert "secret-psp-account" not in out + err
    assert "(sensitive)" in out
    text = Path("plan.json").read_text()
    assert "secret-psp-account" not in text
    saved = load_plan("plan.json")
    assert saved.plan.environment == "local"
    assert len(saved.plan.changes) == 16
    assert saved.target == "environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)"
    for fmt in ("json", "markdown"):
        code, out, _ = orchctl(capsys, "-C", "repo", "plan", "-o", fmt)
        assert code == 0
        assert "secret-psp-account" not in out


def test_invalid_definitions_read_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "triggers" / "payout-on-withdrawal.yaml"
    path.write_text(path.read_text().replace("workflow: wallet-to-payout", "workflow: nope"))
    code, out, err = orchctl(capsys, "-C", "repo", "plan")
    assert (code, out) == (1, "")
    assert "no Workflow named 'nope'" in err
    assert "nothing was read from or written to the stack" in err
    assert not (project / ".orchctl").exists()


def test_prune_needs_a_namespace(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "orchctl.yaml"
    config.write_text(config.read_text().replace("namespace: payments\n", ""))
    code, _, err = orchctl(capsys, "-C", "repo", "plan", "--prune")
    assert code == 1
    assert err.startswith("orchctl: error: --prune needs a namespace")


def test_orphans_are_drift_and_pruned_only_on_request(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    converge(project)
    os.remove(project / "workflows" / "stack-smoke-test.yaml")
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert code == 2
    assert "orphaned" in out
    assert out.rstrip().endswith("Drift: 1 orphaned.")
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--detailed-exitcode")
    assert code == 0  # an orphan is reported, not deleted
    assert "Orphans" in out
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--prune", "--detailed-exitcode")
    assert code == 2
    assert out.rstrip().endswith("Plan: 0 to create, 0 to replace, 1 to delete.")


def test_markdown_plan_for_pull_requests(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "-o", "markdown")
    assert code == 0
    assert len(out) <= 65_536
    assert "<details>" in out
    assert "Plan: 16 to create, 0 to replace, 0 to delete." in out


def test_adding_a_namespace_warns_about_the_old_triggers_still_firing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "orchctl.yaml"
    config.write_text(config.read_text().replace("namespace: payments\n", ""))
    converge(project)  # the stack holds the definitions without a namespace
    config.write_text("namespace: payments\n" + config.read_text())
    code, out, _ = orchctl(capsys, "-C", "repo", "plan")
    assert code == 0
    assert "Lookalikes: not managed, will fire beside the repository's:" in out
    assert "  ! Trigger credit-wallet-on-payin" in out
    expected = (
        "(same name) but is not managed by orchctl: it keeps firing beside "
        "'payments/credit-wallet-on-payin'"
    )
    assert expected in out
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert code == 2
    assert "duplicated" in out


def test_force_shows_what_it_accepts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = converge(project)
    with (
        sandbox_of(project) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        client.create_trigger(
            TriggerSpec(event="SAVED_ACCOUNT", workflow_id=ids["payin-to-wallet"], name="hand-made")
        )
    path = project / "workflows" / "payin-to-wallet.yaml"
    path.write_text(path.read_text().replace("origin: payin", "origin: pay-in"))
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "--force")
    assert code == 0
    assert "Accepted with --force: left dangling, still firing:" in out
    assert "  ! Trigger hand-made" in out


def test_a_workflow_deleted_behind_orchctls_back_is_drift_in_both_profiles(
    project: Path, capsys: pytest.CaptureFixture[str], profile: str
) -> None:
    ids = converge(project)
    with sandbox_of(project) as sandbox, OrchestrationClient(transport=sandbox.transport()) as c:
        c.delete_workflow(ids["payin-to-wallet"])
        c.delete_workflow(ids["payin-to-wallet"])  # 204 today, 404 patched: done either way
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert code == 2
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[1] == "  missing    Workflow payin-to-wallet        not on the stack"
    assert lines[2].startswith(
        "  dangling   Trigger credit-wallet-on-payin  its workflow "
        f"{ids['payin-to-wallet']} is missing or deleted (dangling)"
    )
    assert lines[-1] == "Drift: 1 missing, 1 dangling."
