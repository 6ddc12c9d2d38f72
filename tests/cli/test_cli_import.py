"""`orchctl import` end to end: round trips to no change, refusals, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ops_support import make_project, orchctl, stack, trigger, workflow

from orchctl.api import TriggerSpec, WorkflowConfig
from orchctl.definitions.loader import load_project
from orchctl.plan.desired import desired_from_project
from orchctl.plan.identity import Namer
from orchctl.resolve import format_time

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "repo", profile=profile)


def no_changes(capsys: pytest.CaptureFixture[str], project: str = "repo") -> None:
    code, out, err = orchctl(capsys, "-C", project, "validate")
    assert code == 0, out + err
    code, out, err = orchctl(capsys, "-C", project, "plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes. The stack matches the repository." in out


def test_the_examples_stack_round_trips_to_no_change(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "adopted"
    root.mkdir()
    config = yaml.safe_load((EXAMPLES / "orchctl.yaml").read_text())
    config["environments"]["local"]["sandbox"] = {"profile": profile}
    (root / "orchctl.yaml").write_text(yaml.safe_dump(config))
    desired = desired_from_project(load_project(str(EXAMPLES)))
    namer = Namer("payments")
    with stack(root) as (_, client):
        ids = {
            w.name: client.create_workflow(
                WorkflowConfig(stages=tuple(w.stages), name=namer.stack_name(w.name))
            )
            for w in desired.workflows
        }
        for t in desired.triggers:
            client.create_trigger(
                TriggerSpec(
                    event=t.event,
                    workflow_id=ids[t.workflow].id,
                    name=namer.stack_name(t.name),
                    filter=t.filter,
                    vars=t.vars,
                )
            )
    code, out, err = orchctl(capsys, "-C", "adopted", "import", "--all")
    assert code == 0, err
    assert out.splitlines()[-2:] == [
        f"Imported 9 workflows and {len(desired.triggers)} triggers into adopted/",
        "Imported triggers have no tests: add `tests:` (`orchctl test` runs them).",
    ]
    assert (
        err
        == "Reading environment local (embedded sandbox, adopted/.orchctl/sandbox-local.db)...\n"
    )
    live = ids["payin-to-wallet"]
    assert (root / "workflows" / "payin-to-wallet.yaml").read_text() == (
        "# Imported by `orchctl import` from environment local: workflow "
        "'payments/payin-to-wallet',\n"
        f"# id {live.id}, created {format_time(live.created_at)}.\n"
        "kind: Workflow\n"
        "name: payin-to-wallet\n"
        "stages:\n"
        "- send:\n"
        "    source:\n"
        "      payment:\n"
        "        id: ${paymentID}\n"
        "    destination:\n"
        "      wallet:\n"
        "        id: ${walletID}\n"
        "    amount:\n"
        "      amount: ${amount}\n"
        "      asset: USD/2\n"
        "    metadata:\n"
        "      origin: payin\n"
        "      paymentID: ${paymentID}\n"
    )
    no_changes(capsys, "adopted")


def seed_unrepresentable(root: Path) -> dict[str, str]:
    with stack(root) as (_, client):
        ok = workflow(client, "payments/ok", [{"wait_event": {"event": "go", "extra": 1}}])
        first = workflow(client, "payments/dup")
        second = workflow(client, "payments/dup")
        bad = workflow(client, "payments/Bad Name")
        braces = workflow(client, "payments/braces", [{"wait_event": {"event": "{{x}}"}}])
        workflow(client, "")
        legacy = workflow(client, "legacy")
        gone = workflow(client, "payments/gone")
        dangling = trigger(client, "payments/dangling", gone.id)
        client.delete_workflow(gone.id)
        on_ok = trigger(client, "payments/on-ok", ok.id, filter='event.status == "X"')
        on_dup = trigger(client, "payments/on-dup", first.id)
    older, newer = sorted((first, second), key=lambda w: (w.created_at, w.id))
    return {
        "ok": ok.id,
        "older": older.id,
        "older_at": format_time(older.created_at),
        "newer": newer.id,
        "newer_at": format_time(newer.created_at),
        "bad": bad.id,
        "braces": braces.id,
        "legacy": legacy.id,
        "gone": gone.id,
        "dangling": dangling.id,
        "on_ok": on_ok.id,
        "on_dup": on_dup.id,
        "first": first.id,
    }


def test_what_cannot_be_represented_is_refused_with_how_to_resolve_it(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed_unrepresentable(root)
    code, out, err = orchctl(capsys, "-C", "repo", "import", "--all")
    assert code == 1
    assert out.splitlines() == [
        f"+ repo/workflows/ok.yaml  Workflow ok ({ids['ok']})",
        f"+ repo/triggers/on-ok.yaml  Trigger on-ok ({ids['on_ok']})",
        "Imported 1 workflow and 1 trigger into repo/",
        "Imported triggers have no tests: add `tests:` (`orchctl test` runs them).",
        "2 objects outside namespace 'payments' left out (name one to see why it cannot be "
        "imported).",
    ]
    dup = (
        f"2 live workflows are named 'payments/dup' ({ids['older']} created {ids['older_at']}, "
        f"{ids['newer']} created {ids['newer_at']}); delete all but one of them, then import again"
    )
    assert err.splitlines() == [
        "Reading environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)...",
        "warning: repo/workflows/ok.yaml:8:5: Workflow 'ok': stages[0].wait_event.extra: unknown "
        "key 'extra' (expected one of: event) (kept as stored: the server keeps unknown stage "
        "keys and ignores them)",
        "warning: 1 error in the imported definitions: `orchctl plan` refuses them until fixed, "
        "and fixing a workflow replaces it on the stack",
        "Not imported (5):",
        f"  Workflow 'payments/Bad Name' ({ids['bad']}): 'Bad Name' is not a valid definition "
        "name (lowercase letters, digits, '-', '_' and '.', at most 100); the API cannot rename: "
        "recreate the workflow under a valid name",
        f"  Workflow 'payments/braces' ({ids['braces']}): stages[0].wait_event.event contains "
        "`{{`, which orchctl reads as a `{{ params.NAME }}` placeholder (there is no escape); "
        "keep this one out of the repository, or recreate it without `{{`",
        f"  Workflow 'payments/dup': {dup}",
        f"  Trigger 'payments/dangling' ({ids['dangling']}): its workflow {ids['gone']} is "
        "deleted or missing (dangling: the trigger still fires); delete the trigger, or "
        "recreate it for a live workflow and import that",
        f"  Trigger 'payments/on-dup' ({ids['on_dup']}): its workflow 'payments/dup' "
        f"({ids['first']}) cannot be imported; resolve the workflow first (see its line)",
    ]
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml")) == [
        "orchctl.yaml",
        "triggers/on-ok.yaml",
        "workflows/ok.yaml",
    ]
    # importing again changes nothing and says so
    code, out, _ = orchctl(capsys, "-C", "repo", "import", "--all")
    assert code == 1
    assert out.splitlines()[:2] == [
        "= Workflow ok: already defined in the repository; left as it is",
        "= Trigger on-ok: already defined in the repository; left as it is",
    ]


def test_a_name_outside_the_namespace_says_why(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed_unrepresentable(root)
    code, out, err = orchctl(capsys, "-C", "repo", "import", "legacy")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"  Workflow 'legacy' ({ids['legacy']}): outside namespace 'payments': as a definition "
        "it would be 'payments/legacy' on the stack, a different object; import it from a "
        "project without `namespace:`, or recreate it inside the namespace"
    )


def test_a_trigger_brings_its_workflow_and_round_trips(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(root) as (_, client):
        wf = workflow(
            client,
            "payments/pay",
            [{"wait_event": {"event": "${what}"}}, {"delay": {"duration": "1h30m"}}],
        )
        made = trigger(
            client,
            "payments/on-pay",
            wf.id,
            filter='event.status == "SUCCEEDED" && event.amount > 10',
            vars={"what": 'event.metadata["on"]'},
        )
        workflow(client, "payments/unrelated")
    code, out, _ = orchctl(capsys, "-C", "repo", "import", "on-pay")
    assert code == 0
    assert out.splitlines()[:2] == [
        f"+ repo/workflows/pay.yaml  Workflow pay ({wf.id}), because trigger on-pay starts it",
        f"+ repo/triggers/on-pay.yaml  Trigger on-pay ({made.id})",
    ]
    text = (root / "triggers" / "on-pay.yaml").read_text()
    assert text.splitlines()[2:] == [
        "# Imported triggers have no tests: add `tests:` (`orchctl test` runs them).",
        "kind: Trigger",
        "name: on-pay",
        "workflow: pay",
        "event: SAVED_PAYMENT",
        'filter: event.status == "SUCCEEDED" && event.amount > 10',
        "vars:",
        '  what: event.metadata["on"]',
    ]
    no_changes(capsys)  # `unrelated` is an orphan: reported, not a change


def test_by_id_and_unknown_names(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
    code, out, _ = orchctl(capsys, "-C", "repo", "import", wf.id)
    assert code == 0
    assert out.splitlines()[0] == f"+ repo/workflows/pay.yaml  Workflow pay ({wf.id})"
    code, out, err = orchctl(capsys, "-C", "repo", "import", "pya")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "orchctl: error: no workflow or trigger named 'pya' on environment local "
        "(hint: did you mean `pay`?)"
    )
    code, _, err = orchctl(capsys, "-C", "repo", "import")
    assert code == 1
    assert err == (
        "orchctl: error: name what to import, or pass --all (hint: orchctl import NAME...)\n"
    )


def test_never_overwrites_a_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        trigger(client, "payments/on-pay", wf.id)
    (root / "workflows").mkdir()
    (root / "workflows" / "pay.yaml").write_text("# notes, not a definition\n")
    code, out, err = orchctl(capsys, "-C", "repo", "import", "--all")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "orchctl: error: 1 file already exists, nothing was written: repo/workflows/pay.yaml "
        "(hint: move them away, or import into another folder with --out DIR)"
    )
    assert (root / "workflows" / "pay.yaml").read_text() == "# notes, not a definition\n"
    assert not (root / "triggers").exists()


def test_out_dir_and_no_namespace(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    root = make_project(tmp_path / "repo", namespace=None, profile=profile)
    with stack(root) as (_, client):
        wf = workflow(client, "legacy.job")
        trigger(client, "", wf.id)
    code, out, err = orchctl(capsys, "-C", "repo", "import", "--all", "--out", "repo/adopted")
    assert code == 1
    assert (
        out.splitlines()[0]
        == f"+ repo/adopted/workflows/legacy.job.yaml  Workflow legacy.job ({wf.id})"
    )
    assert 'Trigger "" (' in err
    assert "it has no name, and orchctl knows objects by name" in err
    no_changes(capsys)


def test_imported_files_load_as_written_for_tricky_strings(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tricky = ["on", "yes", "1e3", "0x1F", "null", "~", "2024-01-01", "a: b", "#x", "'", '"', "é",
              " lead", "trail ", "two\nlines", "-", "*", "&a", "!tag", "%", "@", "`", "12:30"]  # fmt: skip
    stages = [{"wait_event": {"event": s}} for s in tricky]
    stages.append(
        {
            "update": {
                "account": {"id": "users:1", "ledger": "main", "metadata": {s: s for s in tricky}}
            }
        }
    )
    with stack(root) as (_, client):
        workflow(client, "payments/tricky", stages)
    code, _, err = orchctl(capsys, "-C", "repo", "import", "tricky")
    assert code == 0, err
    loaded = load_project(str(root)).workflows[0]
    assert loaded.stages == stages
    no_changes(capsys)


def test_apply_s_lock_objects_and_shadows_are_left_out(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchctl.apply.lock import acquire
    from orchctl.apply.shadow import SHADOW_EVENT_PREFIX, temporary_workflow

    with stack(root) as (_, client):
        wf = workflow(client, "payments/pay")
        lease = acquire(client, environment="local", namespace="payments", timeout=0)
        with temporary_workflow(client, "payments/pay") as temporary:
            shadow = trigger(
                client, f"{SHADOW_EVENT_PREFIX}abc:payments/on-pay", temporary.id,
                event=f"{SHADOW_EVENT_PREFIX}abc",
            )  # fmt: skip
            code, out, err = orchctl(capsys, "-C", "repo", "import", "--all")
            client.delete_trigger(shadow.id)
        lease.release()
    assert (code, err.splitlines()[1:]) == (0, [])
    assert out.splitlines() == [
        f"+ repo/workflows/pay.yaml  Workflow pay ({wf.id})",
        "Imported 1 workflow and 0 triggers into repo/",
    ]
