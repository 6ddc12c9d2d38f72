"""`orchctl plan`: what would change on the stack, shown so a reviewer trusts it."""

from __future__ import annotations

import click

from orchctl.cli.change_options import change_options
from orchctl.cli.common import (
    plan_reading_ahead,
    redactor,
    say_what_planning_left_out,
    stack_options,
    to_stack_options,
    use_color,
)
from orchctl.cli.context import GlobalOptions
from orchctl.cli.paths import REPLACED_FILE


@click.command(short_help="Show what would change on the stack.")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format (markdown: for PR comments and $GITHUB_STEP_SUMMARY).",
)
@click.option("--out", "out_file", type=REPLACED_FILE, help="Save the plan to FILE.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when nothing changes, 2 when something does, 1 on error.",
)
@change_options
@click.option("--show-unmanaged", is_flag=True, help="Also list objects orchctl does not manage.")
@stack_options
@click.pass_obj
def plan(
    opts: GlobalOptions,
    output: str,
    out_file: str | None,
    detailed_exitcode: bool,
    prune: bool | None,
    force: bool,
    allow_empty: bool,
    show_unmanaged: bool,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Validate, read the stack, and show what applying the repository would change.

    Exit status: 0 (or, with --detailed-exitcode, 0 no changes / 2 changes), 1 error.
    """
    from orchctl.cli.failure import failure_document
    from orchctl.errors import OrchctlError, environment_errors
    from orchctl.pipeline import PlanRequest
    from orchctl.plan.planfile import save_plan
    from orchctl.render.json import render_json
    from orchctl.render.markdown import render_markdown
    from orchctl.render.text import render_text

    with failure_document("plan", output, opts):
        project, planned = plan_reading_ahead(
            opts,
            PlanRequest(prune=prune, force=force, allow_empty=allow_empty),
            to_stack_options(ca_bundle, insecure, parallelism),
            announce=output == "text",
        )
    redact = redactor(project)
    result = planned.plan
    say_what_planning_left_out(planned)

    if output == "json":
        click.echo(render_json(result, redact=redact))
    elif output == "markdown":
        hint = f"the saved plan `{out_file}`" if out_file else None
        click.echo(render_markdown(result, redact=redact, full_plan_hint=hint))
    else:
        color = use_color(opts)
        click.echo(
            render_text(result, color=color, show_unmanaged=show_unmanaged, redact=redact),
            color=color,
        )

    if result.blocked:
        raise OrchctlError(
            f"the plan is blocked: {_triggers(len(result.blocked))} orchctl does not manage "
            "would be left dangling",
            hint="delete or adopt those triggers, or pass --force",
        )
    if out_file:
        with environment_errors("write the plan to", out_file):
            save_plan(
                out_file, result, planned.desired, target=planned.target.describe(), redact=redact
            )
        click.echo(
            f"Saved the plan to {out_file} (resolved definitions, live ids, fingerprints; "
            "no secrets).",
            err=True,
        )
    if detailed_exitcode and result.has_changes:
        return 2
    return 0


def _triggers(n: int) -> str:
    return f"{n} trigger" if n == 1 else f"{n} triggers"
