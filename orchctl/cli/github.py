"""`orchctl github comment` and `orchctl github drift-issue` (DESIGN §8)."""

from __future__ import annotations

import os

import click

from orchctl.cli.common import (
    announcer,
    load_valid_project,
    redactor,
    say_what_planning_left_out,
    stack_options,
    to_stack_options,
    use_color,
    warn,
)
from orchctl.cli.context import GlobalOptions
from orchctl.github.markers import DRIFT_LABEL


@click.group(short_help="Sticky pull-request comments and drift issues on GitHub.")
def github() -> None:
    """GitHub integration, for GitHub Actions jobs.

    Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL (GitHub Enterprise; default
    https://api.github.com), GITHUB_EVENT_PATH and GITHUB_STEP_SUMMARY. The token is never
    printed.
    """


@github.command("comment", short_help="Post or update the plan's sticky PR comment.")
@click.argument("plan_file", metavar="PLANFILE", type=click.Path(dir_okay=False))
@click.option(
    "--pr",
    "pr_number",
    type=click.IntRange(min=1),
    default=None,
    help="Pull request number (default: the one of the workflow's event).",
)
@click.option(
    "--summary/--no-summary",
    default=True,
    show_default=True,
    help="Also append the full plan to $GITHUB_STEP_SUMMARY.",
)
def comment(plan_file: str, pr_number: int | None, summary: bool) -> int:
    """Post the saved plan as the pull request's comment for its environment.

    One comment per environment, found by a hidden marker and updated in place; nothing is
    written when it is unchanged. The full plan is appended to the job summary.
    """
    from orchctl.github.client import GitHubClient
    from orchctl.github.comment import comment_body, plan_marker, summary_markdown, upsert_comment
    from orchctl.github.env import github_env, pull_request_number
    from orchctl.github.summary import append_summary
    from orchctl.plan.planfile import load_plan

    saved = load_plan(plan_file)
    gh = github_env(os.environ)
    number = pr_number or pull_request_number(gh.event_path)
    body = comment_body(saved, run_url=gh.run_url)
    with GitHubClient(gh.api_url, gh.token, gh.repository) as client:
        outcome = upsert_comment(client, number, plan_marker(saved.plan), body)
    if summary:
        append_summary(gh.step_summary, lambda limit: summary_markdown(saved, limit))
    where = f"pull request #{number} (environment {saved.plan.environment})"
    if outcome.action == "unchanged":
        click.echo(f"The plan comment on {where} is up to date; nothing written.", err=True)
    else:
        click.echo(
            f"{outcome.action.capitalize()} the plan comment on {where}: "
            f"{outcome.comment.html_url}",
            err=True,
        )
    if outcome.others:
        ids = ", ".join(str(i) for i in outcome.others)
        click.echo(f"Also carrying the marker, left alone: comments {ids}.", err=True)
    return 0


@github.command("drift-issue", short_help="Open, update or close the drift issue.")
@click.option("--show-unmanaged", is_flag=True, help="Also list objects orchctl does not manage.")
@click.option("--label", default=DRIFT_LABEL, show_default=True, help="Label of drift issues.")
@stack_options
@click.pass_obj
def drift_issue(
    opts: GlobalOptions,
    show_unmanaged: bool,
    label: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Run `orchctl drift` and keep one GitHub issue per environment about it.

    Drift: opens the issue (label orchctl-drift), or updates it while the drift lasts.
    In sync: closes it with a comment. Exit status as drift: 0 in sync, 2 drift, 1 error.
    """
    from orchctl.drift.render import render_drift_markdown, render_drift_text
    from orchctl.drift.report import drift_from_plan
    from orchctl.github.client import GitHubClient
    from orchctl.github.drift_issue import sync_issue
    from orchctl.github.env import github_env
    from orchctl.github.summary import append_summary
    from orchctl.pipeline import DRIFT, plan_project

    gh = github_env(os.environ)  # before reading the stack: a missing token fails fast
    project = load_valid_project(opts)
    redact = redactor(project)
    planned = plan_project(  # exactly what `orchctl drift` runs
        project,
        DRIFT,
        to_stack_options(ca_bundle, insecure, parallelism),
        warn=warn,
        announce=announcer(True),
    )
    say_what_planning_left_out(planned)
    report = drift_from_plan(planned.plan, show_unmanaged=show_unmanaged)
    color = use_color(opts)
    click.echo(render_drift_text(report, color=color, redact=redact), color=color)
    with GitHubClient(gh.api_url, gh.token, gh.repository) as client:
        outcome = sync_issue(client, report, redact=redact, label=label, run_url=gh.run_url)
    append_summary(
        gh.step_summary, lambda limit: render_drift_markdown(report, redact=redact, limit=limit)
    )
    env = report.environment
    issue = outcome.issue
    if outcome.action == "none" or issue is None:
        click.echo(f"Environment {env} is in sync; no drift issue is open.", err=True)
    elif outcome.action == "closed":
        click.echo(f"Closed drift issue #{issue.number}: {env} is back in sync.", err=True)
    elif outcome.action == "unchanged":
        click.echo(f"Drift issue #{issue.number} is up to date; nothing written.", err=True)
    else:
        click.echo(
            f"{outcome.action.capitalize()} drift issue #{issue.number}: {issue.html_url}", err=True
        )
    return 0 if report.in_sync else 2
