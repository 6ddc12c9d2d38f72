"""The GitHub Actions variables orchctl reads; secrets stay inside this record."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orchctl.errors import OrchctlError

DEFAULT_API_URL = "https://api.github.com"
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class GitHubSetupError(OrchctlError):
    """A GitHub variable is missing or unusable."""


@dataclass(frozen=True)
class GitHubEnv:
    api_url: str
    repository: str  # owner/name
    token: str = field(repr=False)
    event_path: str | None = None
    step_summary: str | None = None
    run_url: str | None = None  # this workflow run's page, when known

    @property
    def owner_repo(self) -> tuple[str, str]:
        owner, _, name = self.repository.partition("/")
        return owner, name


def github_env(environ: Mapping[str, str]) -> GitHubEnv:
    token = environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise GitHubSetupError(
            "GITHUB_TOKEN is not set",
            hint="in a workflow: `env: GITHUB_TOKEN: ${{ github.token }}`",
        )
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if not repository:
        raise GitHubSetupError(
            "GITHUB_REPOSITORY is not set", hint="GitHub Actions sets it; elsewhere: owner/name"
        )
    if not _REPOSITORY.match(repository):
        raise GitHubSetupError(f"GITHUB_REPOSITORY {repository!r} is not of the form owner/name")
    server, run_id = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_RUN_ID")
    return GitHubEnv(
        api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).strip().rstrip("/"),
        repository=repository,
        token=token,
        event_path=environ.get("GITHUB_EVENT_PATH") or None,
        step_summary=environ.get("GITHUB_STEP_SUMMARY") or None,
        run_url=f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"
        if server and run_id and run_id.isdigit()
        else None,
    )


def pull_request_number(event_path: str | None) -> int:
    """The pull request of the event that started the workflow (`pull_request`,
    `pull_request_target`, or an `issue_comment` on a pull request)."""
    if not event_path:
        raise GitHubSetupError(
            "no pull request: GITHUB_EVENT_PATH is not set", hint="pass --pr NUMBER"
        )
    try:
        with open(event_path, encoding="utf-8") as fh:
            event: Any = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GitHubSetupError(
            f"cannot read the event GITHUB_EVENT_PATH names ({event_path}): {exc}"
        ) from None
    if isinstance(event, dict):
        pr = event.get("pull_request")
        if isinstance(pr, dict) and _number(pr.get("number")):
            return int(pr["number"])
        issue = event.get("issue")
        if isinstance(issue, dict) and "pull_request" in issue and _number(issue.get("number")):
            return int(issue["number"])
    raise GitHubSetupError(
        "no pull request in this workflow's event (a push or a schedule?)",
        hint="run it on `pull_request`, or pass --pr NUMBER",
    )


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
