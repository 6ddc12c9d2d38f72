"""`orchctl unlock` on the embedded sandbox: show the lock, break it, one-line errors."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchctl.api import OrchestrationClient
from orchctl.apply.lock import HolderInfo, Lease, acquire, lock_holders
from orchctl.cli.main import run
from orchctl.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ALICE = HolderInfo("local", "payments", "ci-7", "alice", 4242, None)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def held(project: Path) -> Iterator[Lease]:
    """The lock of the examples' environment, held by another apply."""
    with (
        Sandbox.local(str(project)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
        acquire(client, environment="local", namespace="payments", timeout=0, info=ALICE) as lease,
    ):
        yield lease


def orchctl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unlocked_environment_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert orchctl(capsys, "-C", "repo", "unlock") == (0, "Environment local is not locked.\n", "")


def test_the_lock_is_shown_with_its_holder(held: Lease, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "unlock")
    since = held.holder.since_text()
    expected = (
        f"Lock {held.lock_id} of environment local: held by alice@ci-7 (pid 4242) since "
        f"{since} (renewed N s ago).\n"
    )
    assert (code, re.sub(r"renewed \d+ s ago", "renewed N s ago", out), err) == (0, expected, "")


def test_breaking_the_lock_deletes_it(
    project: Path, held: Lease, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = orchctl(capsys, "-C", "repo", "unlock", held.lock_id)
    assert (code, out) == (
        0,
        f"Broke lock {held.lock_id} of environment local (held by alice@ci-7 (pid 4242) since "
        f"{held.holder.since_text()}).\n",
    )
    with (
        Sandbox.local(str(project)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        assert lock_holders(client, "payments") == []


def test_breaking_an_unknown_lock_is_one_line_and_exit_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orchctl(capsys, "-C", "repo", "unlock", "0123456789ab") == (
        1,
        "",
        "orchctl: error: environment local has no lock 0123456789ab (hint: `orchctl unlock` "
        "without an id shows the current lock)\n",
    )


def test_an_expired_lock_says_it_blocks_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        Sandbox.local(str(project)) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        dead = acquire(
            client, environment="local", namespace="payments", timeout=0, ttl=0.2, info=ALICE
        )
        dead._stop.set()  # its holder dies
        time.sleep(0.3)
        code, out, _ = orchctl(capsys, "-C", "repo", "unlock")
    assert (code, re.sub(r"renewed \d+ s ago", "renewed N s ago", out)) == (
        0,
        f"Lock {dead.lock_id} of environment local: expired, held by alice@ci-7 (pid 4242) "
        f"since {dead.holder.since_text()} (last renewed N s ago); its holder is gone and it "
        "blocks nothing.\n",
    )
