"""Ordinary environment problems — a missing folder, a file where a folder should be, a
corrupt database, a bad or busy port, a full disk, a denied permission — are one clear
line and exit 1, never "internal error" (issue 10, item 3). Output paths are checked
before any work starts."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from orchctl.cli.main import run
from orchctl.errors import environment_error

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FULL = "/dev/full"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def has_full_device() -> bool:
    return os.path.exists(FULL) and stat.S_ISCHR(os.stat(FULL).st_mode)


def test_plan_out_into_a_missing_folder_fails_before_reading_the_stack(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "plan", "--out", "/nonexistent/x.plan")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: invalid value for '--out': the folder /nonexistent does not exist "
        "(hint: see `orchctl plan --help`)\n"
    )
    assert not (project / ".orchctl").exists()  # the sandbox was not even opened


def test_plan_out_never_replaces_a_device_or_a_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = orchctl(capsys, "-C", "repo", "plan", "--out", "repo")
    assert code == 1
    assert err == (
        "orchctl: error: invalid value for '--out': repo is a directory "
        "(hint: see `orchctl plan --help`)\n"
    )
    if has_full_device():
        code, _, err = orchctl(capsys, "-C", "repo", "plan", "--out", FULL)
        assert code == 1
        assert err == (
            "orchctl: error: invalid value for '--out': /dev/full exists and is not a regular "
            "file (hint: see `orchctl plan --help`)\n"
        )
        assert stat.S_ISCHR(os.stat(FULL).st_mode)


def test_test_junit_into_a_missing_folder_runs_no_test(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "test", "--junit", "/nonexistent/j.xml")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: invalid value for '--junit': the folder /nonexistent does not exist "
        "(hint: see `orchctl test --help`)\n"
    )


@pytest.mark.skipif(not has_full_device(), reason="needs /dev/full")
def test_test_junit_on_a_full_disk(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = orchctl(capsys, "-C", "repo", "test", "--junit", FULL)
    assert code == 1
    assert err == (
        "orchctl: error: cannot write the JUnit report to /dev/full: no space left on the device\n"
    )


@pytest.mark.skipif(not has_full_device(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["validate"], ["plan", "-o", "json"]])
def test_stdout_on_a_full_disk_is_an_error_of_the_installed_cli(
    project: Path, argv: list[str]
) -> None:
    with open(FULL, "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "orchctl", "-C", "repo", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=project.parent,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "orchctl: error: cannot write the output: no space left on the device"
    )
    assert "Traceback" not in result.stderr


def test_dot_orchctl_being_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".orchctl").write_text("not a folder\n")
    for command in ("plan", "drift"):
        code, out, err = orchctl(capsys, "-C", "repo", command)
        assert (code, out) == (1, "")
        assert err == (
            "orchctl: error: cannot create the sandbox state folder repo/.orchctl: a file of "
            "that name is in the way\n"
        )


@pytest.mark.parametrize(
    "content", [b"garbage, not sqlite\n", b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_a_corrupt_sandbox_database(
    project: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    (project / ".orchctl").mkdir()
    (project / ".orchctl" / "sandbox-local.db").write_bytes(content)
    code, out, err = orchctl(capsys, "-C", "repo", "plan")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: cannot open the sandbox database repo/.orchctl/sandbox-local.db: file "
        "is not a database (hint: it is not a usable SQLite database; move it away to start "
        "an empty sandbox)\n"
    )


def test_sandbox_db_in_a_missing_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "sandbox", "--db", "/nonexistent/x.db")
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: cannot open the sandbox database /nonexistent/x.db: unable to open "
        "the database file (does its folder exist and is it writable?)\n"
    )


def test_sandbox_on_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = orchctl(capsys, "sandbox", "--port", str(port))
    assert (code, out) == (1, "")
    assert err == (
        f"orchctl: error: cannot listen on 127.0.0.1:{port}: the address is already in use\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root is never denied a permission")
def test_permission_denied_on_the_project_state(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project.chmod(0o555)
    try:
        code, out, err = orchctl(capsys, "-C", "repo", "plan")
    finally:
        project.chmod(0o755)
    assert (code, out) == (1, "")
    assert err == (
        "orchctl: error: cannot create the sandbox state folder repo/.orchctl: permission denied\n"
    )


@pytest.mark.parametrize(
    ("exc", "doing", "path", "line"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "a/b"),
            None,
            None,
            "a/b: permission denied",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "a/.tmp1"),
            "write the plan to",
            "a/x.plan",
            "cannot write the plan to a/x.plan: permission denied",
        ),
        (
            OSError(errno.EROFS, "Read-only file system", "/r"),
            None,
            None,
            "/r: the file system is read-only",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            None,
            None,
            "cannot write the output: no space left on the device",
        ),
        (
            OSError(errno.EADDRINUSE, "Address in use"),
            "listen on",
            "h:1",
            "cannot listen on h:1: the address is already in use",
        ),
    ],
)
def test_environment_error_lines(
    exc: OSError, doing: str | None, path: str | None, line: str
) -> None:
    assert str(environment_error(exc, doing=doing, path=path)) == line
