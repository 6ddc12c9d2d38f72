"""`-o json` / `-o markdown` never leave stdout empty: a plan or drift that cannot run prints
a document saying it failed, with the problems (issue 10, item 5). The text error is the
details plus one line, not "run `orchctl validate`" after the details."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from orchctl import __version__
from orchctl.cli.main import run
from orchctl.validation import schemas

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ERROR = (
    "the definitions are invalid (2 errors, 0 warnings in 2 files); nothing was read from or "
    "written to the stack"
)
STDERR = [
    "repo/triggers/payout-on-withdrawal.yaml:5:11: Trigger 'payout-on-withdrawal': workflow: "
    "no Workflow named 'wallet-payout' in this repository (did you mean `wallet-to-payout`?)",
    "repo/workflows/payin-to-wallet.yaml:11:9: Workflow 'payin-to-wallet': "
    "stages[0].send.destination.walet: unknown key 'walet' (did you mean `wallet`?)",
    f"orchctl: error: {ERROR}",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def broken(project: Path) -> Path:
    for file, old, new in (
        ("workflows/payin-to-wallet.yaml", "        wallet:", "        walet:"),
        (
            "triggers/payout-on-withdrawal.yaml",
            "workflow: wallet-to-payout",
            "workflow: wallet-payout",
        ),
    ):
        path = project / file
        path.write_text(path.read_text().replace(old, new, 1))
    return project


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def problem(
    file: str,
    line: int,
    column: int,
    code: str,
    kind: str,
    name: str,
    path: str,
    message: str,
    hint: str,
) -> dict[str, object]:
    return {
        "file": file,
        "line": line,
        "column": column,
        "severity": "error",
        "code": code,
        "kind": kind,
        "name": name,
        "path": path,
        "message": message,
        "hint": hint,
    }


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_json_says_the_command_failed_and_lists_the_problems(
    broken: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", command, "-o", "json")
    assert code == 1
    assert err.splitlines() == STDERR
    document = json.loads(out)
    assert list(schemas.validator("failure").iter_errors(document)) == []
    assert document == {
        "format_version": "1",
        "orchctl_version": __version__,
        "command": command,
        "status": "failed",
        "environment": "local",
        "namespace": "payments",
        "error": ERROR,
        "problems": [
            problem(
                "repo/triggers/payout-on-withdrawal.yaml",
                5,
                11,
                "unknown-workflow",
                "Trigger",
                "payout-on-withdrawal",
                "workflow",
                "no Workflow named 'wallet-payout' in this repository",
                "did you mean `wallet-to-payout`?",
            ),
            problem(
                "repo/workflows/payin-to-wallet.yaml",
                11,
                9,
                "schema",
                "Workflow",
                "payin-to-wallet",
                "stages[0].send.destination.walet",
                "unknown key 'walet'",
                "did you mean `wallet`?",
            ),
        ],
    }


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_markdown_is_a_short_failure_summary(
    broken: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", command, "-o", "markdown")
    assert (code, err.splitlines()) == (1, STDERR)
    assert out.splitlines() == [
        f"### :x: orchctl {command} failed — <code>local</code>",
        "",
        "The definitions are invalid (2 errors, 0 warnings in 2 files); nothing was read from "
        "or written to the stack.",
        "",
        "- <code>repo/triggers/payout-on-withdrawal.yaml:5:11</code> Trigger "
        "'payout-on-withdrawal': workflow: no Workflow named 'wallet-payout' in this "
        "repository (did you mean &#96;wallet-to-payout&#96;?)",
        "- <code>repo/workflows/payin-to-wallet.yaml:11:9</code> Workflow 'payin-to-wallet': "
        "stages&#91;0&#93;.send.destination.walet: unknown key 'walet' (did you mean "
        "&#96;wallet&#96;?)",
    ]


def test_text_ends_with_the_error_line_not_a_pointer_to_validate(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "plan")
    assert (code, out, err.splitlines()) == (1, "", STDERR)


def test_a_broken_orchctl_yaml_is_a_failure_document_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "orchctl.yaml"
    config.write_text(config.read_text().replace("\nenvironments:", "\nenviroments:", 1))
    code, out, _ = orchctl(capsys, "-C", "repo", "--env", "staging", "plan", "-o", "json")
    assert code == 1
    document = json.loads(out)
    assert list(schemas.validator("failure").iter_errors(document)) == []
    assert document["error"] == (
        "orchctl.yaml is invalid (1 error, 0 warnings in 1 file); nothing was read from or "
        "written to the stack"
    )
    line = config.read_text().splitlines().index("enviroments:") + 1
    assert [(p["file"], p["line"], p["message"]) for p in document["problems"]] == [
        ("repo/orchctl.yaml", line, "unknown key 'enviroments'")
    ]


def test_a_stack_that_cannot_be_read_is_a_failure_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".orchctl").write_text("a file where the state folder goes\n")
    code, out, err = orchctl(capsys, "-C", "repo", "drift", "-o", "json")
    line = "cannot create the sandbox state folder repo/.orchctl: a file of that name is in the way"
    assert (code, err) == (1, f"orchctl: error: {line}\n")
    document = json.loads(out)
    assert list(schemas.validator("failure").iter_errors(document)) == []
    assert (document["command"], document["error"], document["problems"]) == ("drift", line, [])
