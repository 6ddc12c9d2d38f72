"""drift shows before -> after like the plan, `drift -o json` follows
schemas/drift.schema.json; the plan's id column does not widen every row and a removed
duplicate shows what goes (issue 10, item 8)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from orchctl.api import OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.cli.main import run
from orchctl.sandbox import Sandbox
from orchctl.validation import schemas

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def drifted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """The examples applied, then by hand: a copy of a workflow and of a trigger, and a
    trigger recreated with a narrower filter."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    assert orchctl(capsys, "-C", "repo", "apply", "--auto-approve")[0] == 0
    with Sandbox.local(str(root)) as box, OrchestrationClient(transport=box.transport()) as c:
        smoke = next(w for w in c.list_workflows() if w.name == "payments/stack-smoke-test")
        c.create_workflow(WorkflowConfig(stages=smoke.config.stages, name=smoke.name))
        triggers = {t.name: t for t in c.list_triggers()}
        credit = triggers["payments/credit-wallet-on-payin"]
        c.delete_trigger(credit.id)
        c.create_trigger(
            TriggerSpec(
                event=credit.event,
                workflow_id=credit.workflow_id,
                name=credit.name,
                filter='event.status == "SUCCEEDED"',
                vars=credit.vars,
            )
        )
    return root


FILTER_DIFF = (
    '        ~ filter: "event.status == \\"SUCCEEDED\\"" -> "event.status == \\"SUCCEEDED\\" '
    '&& event.type == \\"PAY-IN\\" && event.metadata?.walletID != nil && '
    'event.metadata?.channel != \\"marketplace\\""'
)


def test_drift_text_shows_before_and_after(
    drifted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "drift")
    assert code == 2
    assert UUID.sub("ID", out).splitlines() == [
        "orchctl drift — environment local, namespace payments",
        "",
        "  changed    Trigger credit-wallet-on-payin  filter changed [ID]",
        FILTER_DIFF,
        "  duplicated Workflow stack-smoke-test       extra live copy (keeping ID) [ID]",
        "",
        "Drift: 1 changed, 1 duplicated.",
    ]


def test_drift_json_follows_its_schema(drifted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "drift", "-o", "json", "--show-unmanaged")
    assert code == 2
    document = json.loads(out)
    assert list(schemas.validator("drift").iter_errors(document)) == []
    changed = document["items"][0]
    assert (changed["category"], changed["diff"][0]["path"], changed["diff"][0]["before"]) == (
        "changed",
        "filter",
        'event.status == "SUCCEEDED"',
    )
    # in sync is a valid document too, and the schema rejects what it should
    invalid = {**document, "in_sync": "no"}
    assert [e.json_path for e in schemas.validator("drift").iter_errors(invalid)] == ["$.in_sync"]


def test_plan_keeps_a_narrow_name_column_and_shows_the_removed_copy(
    drifted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "plan")
    assert code == 0
    lines = UUID.sub("ID", out).splitlines()
    assert lines[2:5] == [
        "  x Workflow stack-smoke-test         (remove duplicate ID: extra live copy (keeping ID))",
        "        - stages:",
        "        - - noop: {}",
    ]
    assert lines[5] == "  -/+ Trigger credit-wallet-on-payin  (replace, delete-first)"


def test_a_removed_duplicate_carries_its_body_in_json(
    drifted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "plan", "-o", "json")
    assert code == 0
    document = json.loads(out)
    assert list(schemas.validator("plan").iter_errors(document)) == []
    removed = [c for c in document["changes"] if c["action"] == "remove-duplicate"]
    assert [(c["name"], c["before"]) for c in removed] == [
        ("stack-smoke-test", {"stages": [{"noop": {}}]})
    ]
