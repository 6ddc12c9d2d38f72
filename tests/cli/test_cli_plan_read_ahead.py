"""plan and drift read a stack with a url while the definitions load (orchctl.prefetch):
the output is what reading afterwards gave, and invalid definitions still come first."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchctl.cli.main import run
from orchctl.sandbox import Sandbox, SandboxServer

pytestmark = pytest.mark.socket

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STAGING = "https://acme-staging.eu-west-1.formance.cloud"
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    config = root / "orchctl.yaml"  # no retries of a refused connection: a fast test
    config.write_text(
        config.read_text().replace("  staging:\n", "  staging:\n    retries: {attempts: 1}\n")
    )
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def served() -> Iterator[SandboxServer]:
    with Sandbox(":memory:") as box:
        server = box.serve("127.0.0.1", 0)
        yield server
        server.shutdown()


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def overridden(url: str) -> str:
    return (
        f"warning: FORMANCE_STACK_API_ENDPOINT overrides the url of environment staging: "
        f"{url} instead of {STAGING}"
    )


def break_a_trigger(project: Path) -> None:
    path = project / "triggers" / "payout-on-withdrawal.yaml"
    path.write_text(path.read_text().replace("workflow: wallet-to-payout", "workflow: nope"))


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_warnings_and_the_announcement_keep_their_order(
    project: Path,
    served: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setenv("FORMANCE_STACK_API_ENDPOINT", served.url)
    code, out, err = orchctl(capsys, "-C", "repo", "--env", "staging", command)
    assert code == (0 if command == "plan" else 2)  # an empty stack: all to create / missing
    assert err.splitlines() == [
        overridden(served.url),
        f"Reading environment staging ({served.url})...",
    ]
    assert out.startswith(f"orchctl {command}")


def test_the_plan_is_the_plan_of_the_stack_read(
    project: Path,
    served: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORMANCE_STACK_API_ENDPOINT", served.url)
    code, out, _ = orchctl(capsys, "-C", "repo", "--env", "staging", "plan", "-o", "json")
    assert code == 0
    assert '"action": "create"' in out
    assert '"action": "update"' not in out


def test_invalid_definitions_come_first_and_nothing_is_written(
    project: Path,
    served: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORMANCE_STACK_API_ENDPOINT", served.url)
    break_a_trigger(project)
    code, out, err = orchctl(capsys, "-C", "repo", "--env", "staging", "plan")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert "no Workflow named 'nope'" in lines[0]
    assert lines[-1].startswith("orchctl: error: the definitions are invalid (")
    assert lines[-1].endswith("; nothing was written to the stack")
    assert not any(line.startswith(("warning:", "Reading")) for line in lines)


def test_an_unreachable_stack_is_reported_after_the_announcement(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMANCE_STACK_API_ENDPOINT", CLOSED)
    code, out, err = orchctl(capsys, "-C", "repo", "--env", "staging", "plan")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[:2] == [overridden(CLOSED), f"Reading environment staging ({CLOSED})..."]
    assert lines[2].startswith("orchctl: error: GET /api/orchestration/_info: cannot connect")
    assert len(lines) == 3


def test_an_unreachable_stack_does_not_hide_invalid_definitions(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMANCE_STACK_API_ENDPOINT", CLOSED)
    break_a_trigger(project)
    code, _, err = orchctl(capsys, "-C", "repo", "--env", "staging", "plan")
    assert code == 1
    assert "no Workflow named 'nope'" in err
    assert "cannot connect" not in err


def test_the_embedded_sandbox_is_not_read_ahead(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_a_trigger(project)
    code, _, err = orchctl(capsys, "-C", "repo", "plan")
    assert code == 1
    assert err.splitlines()[-1].endswith("; nothing was read from or written to the stack")
    assert not (project / ".orchctl").exists()
