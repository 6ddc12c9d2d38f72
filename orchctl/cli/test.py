"""`orchctl test`: run triggers' `tests:` offline, evaluating filters and vars like Formance."""

from __future__ import annotations

from typing import Any

import click

from orchctl.cli.context import GlobalOptions
from orchctl.errors import OrchctlError, UsageError
from orchctl.triggertests import render_text, run_trigger_tests, write_junit


def _load_triggers(opts: GlobalOptions) -> tuple[list[Any], int]:
    """The project's triggers and the number of load errors (definitions loader)."""
    try:
        from orchctl.definitions.loader import load_project
    except ImportError:
        try:
            from orchctl.definitions.project import load_project  # type: ignore[attr-defined,no-redef]
        except ImportError:
            raise OrchctlError(
                "orchctl test needs the definitions loader (orchctl.definitions.loader."
                "load_project), which this build does not include"
            ) from None
    project = load_project(opts.directory, opts.env_name)
    errors = sum(1 for d in getattr(project, "diagnostics", []) if d.severity == "error")
    return list(project.triggers), errors


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the results as JUnit XML to this file.",
)
@click.pass_obj
def test(opts: GlobalOptions, names: tuple[str, ...], junit_path: str | None) -> int:
    """Run trigger tests: each test's event through the trigger's filter and vars.

    NAME selects triggers by name (default: all). Exit status: 0 all passed, 1 otherwise.
    """
    triggers, load_errors = _load_triggers(opts)
    if load_errors:
        click.echo(
            click.style("warning: ", fg="yellow")
            + f"{load_errors} problem(s) while loading definitions; run `orchctl validate`",
            err=True,
        )
    if names:
        known = {t.name for t in triggers}
        missing = [n for n in names if n not in known]
        if missing:
            raise UsageError(
                f"no trigger named {', '.join(repr(m) for m in missing)}",
                hint="known triggers: " + (", ".join(sorted(known)) or "none"),
            )
        triggers = [t for t in triggers if t.name in names]
    report = run_trigger_tests(triggers)
    if junit_path:
        write_junit(report, junit_path)
    if not report.results:
        click.echo("no trigger tests found (add `tests:` to a Trigger)")
        return 0
    for line in render_text(report, click.style, verbose=opts.verbose > 0):
        click.echo(line)
    return 0 if report.ok else 1
