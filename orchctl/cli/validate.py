"""`orchctl validate`: offline checks of every definition, all problems at once."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from orchctl.cli.context import GlobalOptions

if TYPE_CHECKING:
    from orchctl.diagnostics import Diagnostic


@click.command(short_help="Check the definitions offline.")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def validate(opts: GlobalOptions, output: str, strict: bool) -> int:
    """Check definitions offline: YAML, schemas, references, expressions, variables.

    Exit status: 0 valid (warnings allowed unless --strict), 1 invalid.
    """
    from orchctl.cli.common import load_and_check
    from orchctl.diagnostics import summary_line

    project, diagnostics = load_and_check(opts)
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if output == "json":
        click.echo(
            json.dumps(
                {
                    "format_version": "1",
                    "valid": errors == 0,
                    "environment": project.environment.name,
                    "summary": {
                        "errors": errors,
                        "warnings": len(diagnostics) - errors,
                        "files": len(project.files),
                        "workflows": len(project.workflows),
                        "triggers": len(project.triggers),
                    },
                    "diagnostics": [d.as_json() for d in diagnostics],
                },
                indent=2,
            )
        )
        return 1 if errors else 0
    for diagnostic in diagnostics:
        click.echo(_styled(diagnostic))
    if diagnostics:
        color = "red" if errors else "yellow"
        click.echo(click.style(summary_line(diagnostics), fg=color, bold=True))
    elif not project.files:
        click.echo(
            f"No definitions found under {opts.directory}: every *.yaml and *.yml file is read "
            "(except orchctl.yaml, .orchctl/ and hidden folders)."
        )
    else:
        click.echo(
            click.style(
                f"Valid: {_count(len(project.workflows), 'workflow')}, "
                f"{_count(len(project.triggers), 'trigger')} "
                f"in {_count(len(project.files), 'file')} "
                f"(environment {project.environment.name}).",
                fg="green",
            )
        )
    return 1 if errors else 0


def _styled(diagnostic: Diagnostic) -> str:
    text = diagnostic.render()
    if diagnostic.severity == "warning":
        return text.replace(" warning: ", " " + click.style("warning:", fg="yellow") + " ", 1)
    location, sep, rest = text.partition(": ")
    return click.style(location, bold=True) + sep + rest


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
