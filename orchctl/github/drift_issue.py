"""One drift issue per environment: opened when the stack drifts, kept up to date while it
stays drifted (never a second one), closed with a comment once it is back in sync."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from orchctl.drift.render import render_drift_markdown
from orchctl.drift.report import DriftReport
from orchctl.github.client import GitHubClient, Issue
from orchctl.github.markers import DRIFT_LABEL, carries, marker
from orchctl.render.escape import escape
from orchctl.render.redact import identity

LABEL = DRIFT_LABEL
GITHUB_LIMIT = 65_536


@dataclass(frozen=True)
class Outcome:
    action: Literal["opened", "updated", "unchanged", "closed", "none"]
    issue: Issue | None = None


def drift_marker(report: DriftReport) -> str:
    return marker("drift", report.environment, report.namespace)


def issue_title(report: DriftReport) -> str:
    where = f" (namespace {report.namespace})" if report.namespace else ""
    return f"orchctl: environment {report.environment}{where} has drifted"


def issue_body(report: DriftReport, *, redact: Callable[[Any], Any] = identity) -> str:
    footer = (
        "\n\n---\n<sub>Kept up to date by `orchctl github drift-issue` while the drift lasts; "
        "closed by it once the environment is back in sync. `orchctl drift` shows the "
        "same from a checkout, and `orchctl plan` what applying main would change.</sub>"
    )
    top = drift_marker(report) + "\n"
    limit = GITHUB_LIMIT - len(top) - len(footer)
    return top + render_drift_markdown(report, redact=redact, limit=limit).rstrip("\n") + footer


def closing_comment(report: DriftReport, run_url: str | None) -> str:
    workflows, triggers = report.in_sync_counts
    by = f" ([run]({run_url}))" if run_url else ""
    return (
        f":white_check_mark: Environment <code>{escape(report.environment)}</code> is back in "
        f"sync: {workflows} workflow{'s' if workflows != 1 else ''} and {triggers} "
        f"trigger{'s' if triggers != 1 else ''} match the repository. Closed by "
        f"`orchctl github drift-issue`{by}."
    )


def find_issue(client: GitHubClient, mark: str, label: str, *, everywhere: bool) -> Issue | None:
    """The open issue that carries `mark`: among those labelled `label`, and with
    `everywhere` among all open issues too (a label someone removed)."""
    for issue in client.issues(state="open", labels=label):
        if carries(issue.body, mark):
            return issue
    if everywhere:
        for issue in client.issues(state="open"):
            if carries(issue.body, mark):
                return issue
    return None


def sync_issue(
    client: GitHubClient,
    report: DriftReport,
    *,
    redact: Callable[[Any], Any] = identity,
    label: str = LABEL,
    run_url: str | None = None,
) -> Outcome:
    mark = drift_marker(report)
    if report.in_sync:
        issue = find_issue(client, mark, label, everywhere=False)
        if issue is None:
            return Outcome("none")
        client.create_comment(issue.number, closing_comment(report, run_url))
        closed = client.update_issue(issue.number, state="closed", state_reason="completed")
        return Outcome("closed", closed)
    body, title = issue_body(report, redact=redact), issue_title(report)
    issue = find_issue(client, mark, label, everywhere=True)
    if issue is None:
        return Outcome("opened", client.create_issue(title, body, [label]))
    changes: dict[str, Any] = {}
    if issue.body.replace("\r\n", "\n").rstrip() != body.rstrip():
        changes["body"] = body
    if issue.title != title:
        changes["title"] = title
    if label not in issue.labels:
        changes["labels"] = [*issue.labels, label]
    if not changes:
        return Outcome("unchanged", issue)
    return Outcome("updated", client.update_issue(issue.number, **changes))
