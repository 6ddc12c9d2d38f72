"""`orchctl show PLANFILE`: a saved plan, rendered again; no stack access."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from orchctl.cli.common import use_color
from orchctl.cli.context import GlobalOptions

if TYPE_CHECKING:
    pass


@click.command(short_help="Render a saved plan (no stack access).")
@click.argument("plan_file", metavar="PLANFILE", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format (markdown: for PR comments and $GITHUB_STEP_SUMMARY).",
)
@click.option("--show-unmanaged", is_flag=True, help="Also list objects orchctl does not manage.")
@click.pass_obj
def show(opts: GlobalOptions, plan_file: str, output: str, show_unmanaged: bool) -> int:
    """Render the plan saved by `orchctl plan --out PLANFILE`, as plan would have.

    Reads nothing but the file: no definitions, no stack. Sensitive values were masked
    when the plan was saved. Exit status: 0, or 1 when the file is not a usable plan.
    """
    from orchctl.plan.planfile import load_plan
    from orchctl.render.json import render_json
    from orchctl.render.markdown import render_markdown
    from orchctl.render.text import render_text

    saved = load_plan(plan_file)
    if output == "json":
        click.echo(render_json(saved.plan))
    elif output == "markdown":
        click.echo(render_markdown(saved.plan, full_plan_hint=f"the saved plan `{plan_file}`"))
    else:
        click.echo(
            f"Saved plan of {saved.target}, made {saved.created_at} by orchctl "
            f"{saved.orchctl_version}.",
            err=True,
        )
        color = use_color(opts)
        click.echo(render_text(saved.plan, color=color, show_unmanaged=show_unmanaged), color=color)
    return 0
