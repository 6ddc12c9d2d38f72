"""Reading definitions in worker processes gives exactly what reading them here gives."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchctl.definitions import reading
from orchctl.definitions.loader import LoadedProject, load_project
from orchctl.diagnostics import sort_diagnostics
from orchctl.validation.checks import check_project

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))
from test_hostile_input import CASES
from validation_support import write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

TRIGGERS = """
kind: Trigger
name: t-{i}
event: SAVED_PAYMENT
workflow: credit
filter: {filter}
vars:
  amount: string(event.amount)
  shop: "{{{{ params.shop }}}} + event.id"
---
kind: Trigger
name: u-{i}
event: SAVED_PAYMENT
workflow: nowhere
filter: event.id == "{{{{ params.shop }}}}"
"""

FILTERS = [
    'event.status == "SUCCEEDED"',
    'event.status = "SUCCEEDED"',  # does not compile
    "lenn(event.id) > 1",  # unknown function: a warning
    '"{{ params.shop }}" in event.metadata',
    "|\n  event.amount >\n    1 +",  # a block scalar that does not compile
]


def project_dir(root: Path) -> Path:
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("github"))
    files: dict[str, str | bytes] = {
        f"hostile/{index:02d}.yaml": content for index, (_, content, _) in enumerate(CASES)
    }
    for i, filter_ in enumerate(FILTERS):
        files[f"extra/t{i}.yaml"] = TRIGGERS.format(i=i, filter=filter_)
    files["extra/empty.yaml"] = "# nothing\n"
    write(root, files)
    return root


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    root = project_dir(tmp_path / "project")
    old = os.getcwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old)


def load(processes: int) -> tuple[LoadedProject, list[str]]:
    environ = {reading.ENV_VAR: str(processes), "SECRET_PARAM": "s3cret"}
    project = load_project(".", "staging", environ=environ)
    return project, [d.render() for d in sort_diagnostics(check_project(project))]


def summary(project: LoadedProject) -> list[object]:
    return [
        project.files,
        project.incomplete,
        [(w.name, w.stages, w.origin.file, w.valid) for w in project.workflows],
        [(t.name, t.filter, t.vars, t.origin.file, t.tests, t.valid) for t in project.triggers],
    ]


def test_processes_read_what_this_process_reads(
    inside: Path, caplog: pytest.LogCaptureFixture
) -> None:
    here, here_said = load(1)
    with caplog.at_level(logging.INFO, logger="orchctl.definitions"):
        pooled, pooled_said = load(2)
    assert "worker processes" in caplog.text  # the pool did read them
    assert "worker processes" not in caplog.text.replace("in 2 worker processes", "")
    assert pooled_said == here_said
    assert summary(pooled) == summary(here)
    # the hostile files and the bad expressions are all there, at their places
    assert any("hostile/" in line and "invalid YAML" in line for line in here_said)
    assert any("expression does not compile" in line for line in here_said)
    assert any("lenn() is not an expr-lang builtin" in line for line in here_said)
    # the workers analysed the expressions parameters cannot change, and only those
    assert 'event.status == "SUCCEEDED"' in pooled.analyses
    assert not any("{{" in source for source in pooled.analyses)
    assert here.analyses == {}


def test_a_large_project_is_read_in_processes_without_being_asked(tmp_path: Path) -> None:
    root = tmp_path / "big"
    workflow = (EXAMPLES / "workflows" / "flag-high-value-account.yaml").read_text(encoding="utf-8")
    files: dict[str, str | bytes] = {}
    size = 0
    i = 0
    while size < reading.PARALLEL_FROM_BYTES:
        text = workflow.replace("name: flag-high-value-account", f"name: wf-{i}")
        files[f"wf/{i}.yaml"] = text
        size += len(text.encode())
        i += 1
    write(root, {"orchctl.yaml": "environments:\n  local: {}\n", **files})
    # the installed script when there is one: what a spawned worker imports first is
    # the main module of the process that starts it
    script = Path(sys.executable).parent / "orchctl"
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "orchctl"]

    def validate(*args: str, processes: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, reading.ENV_VAR: processes}
        return subprocess.run(
            [*argv, *args, "-C", str(root), "validate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    pooled = validate("-v", processes="")
    here = validate(processes="1")
    assert pooled.returncode == here.returncode == 0, pooled.stderr
    assert f"orchctl: reading {i} definition files in " in pooled.stderr
    assert pooled.stdout == here.stdout
    assert f"Valid: {i} workflows, 0 triggers in {i} files" in here.stdout
    assert "Traceback" not in pooled.stderr


def test_a_small_project_is_read_here(inside: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="orchctl.definitions"):
        load_project(".", "staging", environ={"SECRET_PARAM": "s3cret"})
    assert "worker processes" not in caplog.text


def test_a_bad_number_of_processes_is_said_and_ignored(
    inside: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {reading.ENV_VAR: "many", "SECRET_PARAM": "s3cret"}
    with caplog.at_level(logging.WARNING, logger="orchctl.definitions"):
        load_project(".", "staging", environ=environ)
    assert "ORCHCTL_READ_PROCESSES='many' is not a number of processes: ignored" in caplog.text


def _workers_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"orchctl.definitions.worker" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_a_killed_worker_leaves_its_files_to_the_loader(
    inside: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # enough files that the workers are still reading when one is killed
    workflow = (EXAMPLES / "workflows" / "flag-high-value-account.yaml").read_text(encoding="utf-8")
    write(
        inside,
        {
            f"many/{i}.yaml": workflow.replace("name: flag-high-value-account", f"name: wf-{i}")
            for i in range(3000)
        },
    )
    _, here_said = load(1)
    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 30
        while not killed and time.monotonic() < deadline:
            for pid in _workers_of(os.getpid())[:1]:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.002)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        with caplog.at_level(logging.INFO, logger="orchctl.definitions"):
            pooled, pooled_said = load(2)
    finally:
        killer.join()
    assert killed, "no worker process was seen"
    assert "reading definitions here: a worker process failed (exit status -9)" in caplog.text
    assert pooled_said == here_said
    assert len(pooled.workflows) == 3000 + 14


def test_a_worker_imports_nothing_from_the_working_directory(tmp_path: Path) -> None:
    """`python -m` would put the working directory first on a worker's path: a `yaml.py`
    (or an `orchctl/`) in the repository being planned would run in every worker."""
    root = project_dir(tmp_path / "project")
    marker = tmp_path / "ran"
    for name in ("yaml.py", "marshal.py", "json.py"):
        (root / name).write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise SystemExit(7)\n", encoding="utf-8"
        )
    (root / "orchctl").mkdir()
    (root / "orchctl" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write('orchctl')\n", encoding="utf-8"
    )
    script = Path(sys.executable).parent / "orchctl"
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "orchctl"]
    env = {**os.environ, reading.ENV_VAR: "2", "SECRET_PARAM": "s3cret"}
    pooled = subprocess.run(
        [*argv, "-v", "--env", "staging", "validate"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    here = subprocess.run(
        [*argv, "--env", "staging", "validate"],
        cwd=root,
        env={**env, reading.ENV_VAR: "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "in 2 worker processes" in pooled.stderr
    assert "a worker process failed" not in pooled.stderr
    assert not marker.exists(), marker.read_text()
    assert pooled.returncode == here.returncode == 1  # the hostile files
    assert pooled.stdout == here.stdout
