"""`orchctl drift`: is the stack what the repository says? Read-only."""

from __future__ import annotations

import click

from orchctl.cli.common import (
    plan_reading_ahead,
    redactor,
    say_what_planning_left_out,
    stack_options,
    to_stack_options,
    use_color,
)
from orchctl.cli.context import GlobalOptions


@click.command(short_help="Is the stack what the repository says? (read-only)")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--show-unmanaged", is_flag=True, help="Also list objects orchctl does not manage.")
@stack_options
@click.pass_obj
def drift(
    opts: GlobalOptions,
    output: str,
    show_unmanaged: bool,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Compare the stack with the repository without changing anything.

    Reports missing, changed, duplicated, dangling and orphaned objects (and, with
    --show-unmanaged, unmanaged ones). Exit status: 0 in sync, 2 drift, 1 error.
    """
    from orchctl.cli.failure import failure_document
    from orchctl.drift.render import render_drift_json, render_drift_markdown, render_drift_text
    from orchctl.drift.report import drift_from_plan
    from orchctl.pipeline import DRIFT

    with failure_document("drift", output, opts):
        project, planned = plan_reading_ahead(
            opts,
            DRIFT,
            to_stack_options(ca_bundle, insecure, parallelism),
            announce=output == "text",
        )
    redact = redactor(project)
    say_what_planning_left_out(planned)
    report = drift_from_plan(planned.plan, show_unmanaged=show_unmanaged)
    if output == "json":
        click.echo(render_drift_json(report, redact=redact))
    elif output == "markdown":
        click.echo(render_drift_markdown(report, redact=redact))
    else:
        color = use_color(opts)
        click.echo(render_drift_text(report, color=color, redact=redact), color=color)
    return 0 if report.in_sync else 2
