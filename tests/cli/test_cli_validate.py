"""`orchctl validate` and `orchctl init`, in-process with exact output, plus one subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchctl.cli.main import hoist_global_options, run

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_validate_cleanly_in_every_environment(capsys: pytest.CaptureFixture[str]) -> None:
    for env in ("local", "staging", "production"):
        code, out, err = orchctl(capsys, "-C", str(EXAMPLES), "--env", env, "validate")
        assert (code, err) == (0, ""), out
        assert out == (f"Valid: 9 workflows, 7 triggers in 15 files (environment {env}).\n")


def test_init_scaffolds_a_project_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "proj"
    code, out, _ = orchctl(capsys, "init", str(target))
    assert code == 0
    assert "created" in out
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        ".gitignore",
        "orchctl.yaml",
        "triggers/credit-wallet-on-payin.yaml",
        "workflows/payin-to-wallet.yaml",
    ]
    code, out, _ = orchctl(capsys, "-C", str(target), "validate", "--strict")
    assert code == 0, out
    # refuses to overwrite, and writes nothing
    (target / "workflows" / "payin-to-wallet.yaml").write_text("mine\n")
    code, _, err = orchctl(capsys, "init", str(target))
    assert code == 1
    assert err.startswith("orchctl: error: refusing to overwrite existing files: ")
    assert (target / "workflows" / "payin-to-wallet.yaml").read_text() == "mine\n"


BROKEN = {
    "workflows/payin-to-wallet.yaml": [
        ("      destination:\n        wallet:", "      destination:\n        walet:"),
    ],
    "workflows/refund-after-cooling-off.yaml": [("duration: 72h", "duration: 3d")],
    "triggers/payout-on-withdrawal.yaml": [
        ("workflow: wallet-to-payout", "workflow: wallet-payout")
    ],
    "triggers/credit-wallet-on-payin.yaml": [("  walletID: event.metadata.walletID\n", "")],
}


@pytest.fixture
def broken_examples(tmp_path: Path) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    for name, edits in BROKEN.items():
        path = root / name
        text = path.read_text()
        for old, new in edits:
            assert old in text
            text = text.replace(old, new)
        path.write_text(text)
    return root


def test_broken_examples_report_every_error_with_its_location(
    broken_examples: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken_examples.parent)
    code, out, err = orchctl(capsys, "-C", "examples", "validate")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "examples/triggers/credit-wallet-on-payin.yaml:10:1: Trigger 'credit-wallet-on-payin': "
        "vars: workflow 'payin-to-wallet' uses ${walletID} "
        "(examples/workflows/payin-to-wallet.yaml:12:15), which this trigger does not provide: "
        'at run time it becomes "" and the field\'s default applies '
        "(add `walletID: <expression>` to vars)",
        "examples/triggers/credit-wallet-on-payin.yaml:30:41: Trigger 'credit-wallet-on-payin': "
        "tests[0].expect.vars.walletID: expects var 'walletID', which the trigger does not "
        "declare (declared: paymentID, amount)",
        "examples/triggers/payout-on-withdrawal.yaml:5:11: Trigger 'payout-on-withdrawal': "
        "workflow: no Workflow named 'wallet-payout' in this repository "
        "(did you mean `wallet-to-payout`?)",
        "examples/workflows/payin-to-wallet.yaml:11:9: Workflow 'payin-to-wallet': "
        "stages[0].send.destination.walet: unknown key 'walet' (did you mean `wallet`?)",
        "examples/workflows/refund-after-cooling-off.yaml:7:17: Workflow "
        "'refund-after-cooling-off': stages[0].delay.duration: '3d' is not a Go duration: "
        "unknown unit 'd' (use ns, us, ms, s, m, h) (write it like 30s, 15m, 1h30m or 72h; "
        "Go durations have no days)",
        "5 errors, 0 warnings in 4 files",
    ]


def test_json_output_and_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("w.yaml").write_text(
        "kind: Workflow\nname: w\nstages:\n  - update: {account: {id: a, metadata: {}}}\n"
    )
    code, out, _ = orchctl(capsys, "validate")
    assert code == 0
    assert out.splitlines()[-1] == "0 errors, 1 warning in 1 file"
    code, out, _ = orchctl(capsys, "validate", "--strict")
    assert code == 1
    assert out.splitlines()[-1] == "1 error, 0 warnings in 1 file"
    code, out, _ = orchctl(capsys, "validate", "-o", "json")
    assert code == 0
    report = json.loads(out)
    assert report["valid"] is True
    assert report["summary"] == {
        "errors": 0,
        "warnings": 1,
        "files": 1,
        "workflows": 1,
        "triggers": 0,
    }
    assert report["diagnostics"] == [
        {
            "file": "w.yaml",
            "line": 4,
            "column": 23,
            "severity": "warning",
            "code": "update-ledger",
            "kind": "Workflow",
            "name": "w",
            "path": "stages[0].update.account",
            "message": 'no `ledger`: `update` defaults to "main", while `send` defaults to "default"',
            "hint": "name the ledger explicitly",
        }
    ]


def test_unknown_environment_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "-C", str(EXAMPLES), "--env", "prod", "validate")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: unknown environment 'prod' (orchctl.yaml defines: local, production, "
        "staging) (hint: did you mean `production`?)\n"
    )


def test_environment_from_ORCHCTL_ENV(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHCTL_ENV", "staging")
    code, out, _ = orchctl(capsys, "-C", str(EXAMPLES), "validate")
    assert code == 0
    assert "(environment staging)" in out


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    exe = shutil.which("orchctl", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the orchctl entry point is not installed next to this Python")
    result = subprocess.run(
        [exe, "-C", str(EXAMPLES), "validate", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["workflows"] == 9
    broken = subprocess.run(
        [exe, "-C", str(tmp_path / "missing"), "validate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode == 1
    assert broken.stderr.startswith("orchctl: error: project directory ")
    assert "Traceback" not in broken.stderr


@pytest.mark.parametrize(
    ("argv", "hoisted"),
    [
        (["plan", "--env", "staging", "-o", "json"], ["--env", "staging", "plan", "-o", "json"]),
        (
            ["validate", "--env=prod", "--no-color", "-vv"],
            ["--env=prod", "--no-color", "-vv", "validate"],
        ),
        (["plan", "-C", "repo", "--out", "f"], ["-C", "repo", "plan", "--out", "f"]),
        (["plan", "-Crepo"], ["-Crepo", "plan"]),
        (["test", "--", "--env"], ["test", "--", "--env"]),
        (["--env", "x", "validate"], ["--env", "x", "validate"]),
        (["--version"], ["--version"]),
    ],
)
def test_global_options_work_after_the_command(argv: list[str], hoisted: list[str]) -> None:
    assert hoist_global_options(argv) == hoisted


def test_env_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = orchctl(capsys, "validate", "-C", str(EXAMPLES), "--env", "staging")
    assert code == 0
    assert "(environment staging)" in out
