"""Small slips from the new-user trial get a line that says what is wrong (issue 10, item 8):
`=` for `==`, `contains(...)` used as a function, an empty `workflow:`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchctl.cli.main import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TRIGGER = "triggers/credit-wallet-on-payin.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


def validate_after(root: Path, old: str, new: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    path = root / TRIGGER
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert run(["-C", "repo", "validate"]) == 1
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            'event.status == "SUCCEEDED"',
            'event.status = "SUCCEEDED"',
            "repo/triggers/credit-wallet-on-payin.yaml:8:16: Trigger 'credit-wallet-on-payin': "
            'filter: expression does not compile: unexpected token Operator("=") (`=` is not a '
            "comparison in expr: write `==`)",
        ),
        (
            'event.status == "SUCCEEDED"',
            'contains(event.status, "SUCC")',
            "repo/triggers/credit-wallet-on-payin.yaml:8:3: Trigger 'credit-wallet-on-payin': "
            'filter: expression does not compile: unexpected token Operator("contains") '
            "(`contains` is an operator, not a function: write `a contains b`, not "
            "`contains(a, b)`)",
        ),
        (
            "workflow: payin-to-wallet\n",
            "workflow:\n",
            "repo/triggers/credit-wallet-on-payin.yaml:5:10: Trigger 'credit-wallet-on-payin': "
            "workflow: is empty: expected a string",
        ),
    ],
)
def test_slips_get_a_line_that_names_them(
    project: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, line: str
) -> None:
    assert validate_after(project, old, new, capsys) == [line, "1 error, 0 warnings in 1 file"]
