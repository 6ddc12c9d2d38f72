"""-v says what orchctl reads and why (environment, URL, auth mode, pages, timings); -vv adds
one line per HTTP request: method, path, status, duration — never a header or a body, so
never a secret (issue 10, item 7)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchctl.cli.main import run
from orchctl.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "s3cr3t-client-secret-value"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def served(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A sandbox with OAuth2 on a loopback port, as environment `live` of the project."""
    with Sandbox(auth=[f"ci:{SECRET}"]) as box:
        server = box.serve("127.0.0.1", 0)
        try:
            text = (project / "orchctl.yaml").read_text()
            (project / "orchctl.yaml").write_text(
                text.replace(
                    "  staging:\n",
                    f"  live:\n    url: {server.url}\n    params:\n      asset: USD/2\n"
                    "      main_ledger: main\n      treasury_ledger: treasury\n"
                    "      payout_psp: dummypay\n      high_value_threshold: 1\n"
                    "      sweep_floor: 1\n  staging:\n",
                    1,
                )
            )
            monkeypatch.setenv("FORMANCE_STACK_CLIENT_ID", "ci")
            monkeypatch.setenv("FORMANCE_STACK_CLIENT_SECRET", SECRET)
            yield server.url
        finally:
            server.shutdown()


def timings(text: str) -> str:
    return re.sub(r"\d+ ms", "N ms", text)


def test_plain_runs_say_nothing_extra(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-C", "repo", "drift"]) == 2
    assert capsys.readouterr().err == (
        "Reading environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)...\n"
    )


def test_v_shows_environment_url_auth_pages_and_timings(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-C", "repo", "--env", "live", "-v", "plan"]) == 0
    lines = timings(capsys.readouterr().err).splitlines()
    assert lines[:3] == [
        "orchctl: read 15 definition files under repo (environment live): 9 workflows, 7 triggers",
        f"orchctl: environment live: {served} from orchctl.yaml; auth: OAuth2 client "
        "credentials from FORMANCE_STACK_CLIENT_ID/SECRET",
        f"Reading environment live ({served})...",
    ]
    assert sorted(lines[3:5]) == [  # the two lists are read concurrently
        "orchctl: listed /v2/triggers: 0 items in 1 page, N ms",
        "orchctl: listed /v2/workflows: 0 items in 1 page, N ms",
    ]
    assert lines[5:] == [
        "orchctl: read the stack: 0 workflows, 0 triggers in N ms (4 HTTP requests)",
    ]


def test_vv_adds_one_line_per_request_and_never_a_secret(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-C", "repo", "--env", "live", "-vv", "drift"]) == 2
    err = timings(capsys.readouterr().err)
    requests = sorted(line for line in err.splitlines() if " -> " in line)
    assert requests == [
        "orchctl: GET /api/orchestration/_info -> 200 in N ms (attempt 1)",
        "orchctl: GET /api/orchestration/v2/triggers -> 200 in N ms (attempt 1)",
        "orchctl: GET /api/orchestration/v2/workflows -> 200 in N ms (attempt 1)",
        "orchctl: POST /api/auth/oauth/token -> 200 in N ms (attempt 1)",
    ]
    assert SECRET not in err
    assert "Bearer" not in err
    assert "access_token" not in err
    assert "Authorization" not in err


def test_v_counts_the_pages_of_a_long_listing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox.local(str(project)) as box:
        box.bulk_seed(workflows=250)
    assert run(["-C", "repo", "-v", "drift", "-o", "json"]) == 2
    lines = timings(capsys.readouterr().err).splitlines()
    assert "orchctl: listed /v2/workflows: 250 items in 3 pages, N ms" in lines
    assert "orchctl: listed /v2/triggers: 0 items in 1 page, N ms" in lines
