"""Fixtures for the GitHub commands: a copy of examples/, the GitHub double, the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from github_double import State, serve
from github_support import EXAMPLES, TOKEN


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[State]:
    """The double, and the variables a GitHub Actions job has, pointing at it."""
    for name in ("GITHUB_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_SERVER_URL", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    with serve(TOKEN) as (state, api_url):
        monkeypatch.setenv("GITHUB_API_URL", api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_REPOSITORY", state.repository)
        summary = tmp_path / "step-summary.md"
        summary.write_text("")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        yield state


@pytest.fixture
def pull_request_event(
    github: State, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[int], None]:
    def write(number: int) -> None:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": number}}))
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))

    return write
