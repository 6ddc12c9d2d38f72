"""`orchctl test`: run triggers' `tests:` offline, evaluating filters and vars like Formance."""

from __future__ import annotations

import click

from orchctl.cli.common import load_valid_project
from orchctl.cli.context import GlobalOptions
from orchctl.cli.paths import OUTPUT_FILE


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--junit",
    "junit_path",
    type=OUTPUT_FILE,
    default=None,
    help="Also write the results as JUnit XML to this file.",
)
@click.pass_obj
def test(opts: GlobalOptions, names: tuple[str, ...], junit_path: str | None) -> int:
    """Run trigger tests: each test's event through the trigger's filter and vars.

    The definitions are validated first: invalid ones stop the run with their errors.
    NAME selects triggers by name (default: all). Exit status: 0 all passed, 1 otherwise.
    """
    from orchctl.errors import UsageError, environment_errors
    from orchctl.triggertests import render_text, run_trigger_tests, write_junit

    triggers = load_valid_project(opts, stopped="no test was run").triggers
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
        with environment_errors("write the JUnit report to", junit_path):
            write_junit(report, junit_path)
    if not report.results:
        click.echo("no trigger tests found (add `tests:` to a Trigger)")
        return 0
    for line in render_text(report, click.style, verbose=opts.verbose > 0):
        click.echo(line)
    return 0 if report.ok else 1
