"""`orchctl show PLANFILE`: a saved plan rendered again, with no stack and no definitions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from orchctl.cli.main import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    shutil.copytree(EXAMPLES, tmp_path / "repo", ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    assert run(["-C", "repo", "plan", "--out", "plan.json"]) == 0
    capsys.readouterr()
    shutil.rmtree(tmp_path / "repo")  # show needs neither the definitions nor the stack
    return "plan.json"


def test_text_is_the_plan_as_plan_printed_it(
    saved: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["show", saved]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("orchctl plan — environment local, namespace payments\n\n")
    assert out.endswith("Plan: 16 to create, 0 to replace, 0 to delete.\n")
    created_at = json.loads(Path(saved).read_text())["created_at"]
    assert err == (
        "Saved plan of environment local (embedded sandbox, repo/.orchctl/sandbox-local.db), "
        f"made {created_at} by orchctl 0.1.0.dev0.\n"
    )


def test_json_and_markdown(saved: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", saved, "-o", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {"create": 16, "replace": 0, "delete": 0, "no_op": 0}
    assert run(["show", saved, "-o", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "### orchctl plan — environment <code>local</code>, namespace <code>payments</code>\n"
    )
    assert "```mermaid\nflowchart LR\n" in out


def test_not_a_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("other.json").write_text('{"kind": "something"}')
    assert run(["show", "other.json"]) == 1
    assert capsys.readouterr().err == "orchctl: error: other.json: not an orchctl plan file\n"
    assert run(["show", "missing.json"]) == 1
    assert capsys.readouterr().err == "orchctl: error: plan file 'missing.json' does not exist\n"
