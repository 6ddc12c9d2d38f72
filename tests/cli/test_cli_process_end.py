"""The installed CLI ends with os._exit once its output is flushed (orchctl.cli.ending):
every byte written reaches a pipe or a file, the exit code is the command's, and what an
apply wrote to the embedded sandbox's database is there for the next process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    return root


def orchctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchctl", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


BULK = """kind: Workflow
name: bulk-{i}
stages:
  - update:
      account:
        id: "${{account}}"
        ledger: main
        metadata:
          note: "{note}"
"""


def test_output_larger_than_a_pipe_arrives_whole(project: Path) -> None:
    for i in range(300):
        (project / "workflows" / f"bulk-{i}.yaml").write_text(BULK.format(i=i, note="x" * 200))
    done = orchctl(project, "plan", "-o", "json", "--detailed-exitcode")
    assert done.returncode == 2, done.stderr
    assert len(done.stdout) > 4 * 65536  # several times what a pipe holds
    plan = json.loads(done.stdout)  # a cut-off document would not parse
    assert len(plan["changes"]) == 316
    shown = orchctl(project, "-v", "plan")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.rstrip().endswith("Plan: 316 to create, 0 to replace, 0 to delete.")
    assert "read the stack" in shown.stderr  # -v's log lines are flushed too


def test_what_apply_wrote_is_there_for_the_next_process(project: Path) -> None:
    applied = orchctl(project, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    again = orchctl(project, "plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes." in again.stdout


def test_an_error_exit_code_and_its_line(project: Path) -> None:
    (project / "workflows" / "broken.yaml").write_text("kind: Workflow\nname: [\n")
    done = orchctl(project, "validate")
    assert done.returncode == 1
    assert "workflows/broken.yaml:3:1: invalid YAML" in done.stdout
    assert done.stdout.endswith("1 error, 0 warnings in 1 file\n")
