"""YAML errors get a hint only where it follows from the error (issue 10, item 6): a
mis-indented key is about indentation, even when its value uses a parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchctl.cli.main import run

WORKFLOW = """kind: Workflow
name: payin
stages:
  - send:
      source: {{payment: {{id: "${{paymentID}}"}}}}
      destination: {{wallet: {{id: "${{walletID}}"}}}}
      amount:
        amount: "${{amount}}"
{asset}
"""
ORCHCTL = "environments:\n  local:\n    params: {asset: USD/2}\n"


@pytest.mark.parametrize(
    ("asset", "line"),
    [
        (
            '          asset: "{{ params.asset }}"',
            "w.yaml:9:11: invalid YAML: did not find expected key (while parsing a block mapping "
            "at line 8) (line 9 is indented by 10 spaces, the keys of the mapping at line 8 by "
            "8: line them up)",
        ),
        (
            '        asset: "{{ params.asset }}" x: 1',
            "w.yaml:9:37: invalid YAML: did not find expected key (while parsing a block mapping "
            "at line 8)",
        ),
        (
            "        asset: {{ params.asset }}",
            "w.yaml:9:17: unquoted {{ ... }}: YAML reads it as a nested mapping (quote values "
            'that use parameters: "{{ params.NAME }}")',
        ),
        (
            "\tasset: USD/2",
            "w.yaml:9:1: invalid YAML: found character that cannot start any token (while "
            "scanning for the next token at line 9) (YAML does not allow tabs for indentation; "
            "use spaces)",
        ),
    ],
)
def test_yaml_hints_follow_from_the_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    asset: str,
    line: str,
) -> None:
    (tmp_path / "orchctl.yaml").write_text(ORCHCTL)
    (tmp_path / "w.yaml").write_text(WORKFLOW.format(asset=asset))
    monkeypatch.chdir(tmp_path)
    assert run(["validate"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == line, out
