"""`orchctl test`: run triggers' `tests:` offline, evaluating filters and vars like Formance."""

from __future__ import annotations

import click

from orchctl.cli.common import load_valid_project, stack_options, to_stack_options
from orchctl.cli.context import GlobalOptions
from orchctl.cli.lock_option import lock_seconds, lock_timeout_option
from orchctl.cli.paths import OUTPUT_FILE


@click.command(short_help="Run trigger tests (offline, or --remote on the stack).")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--junit",
    "junit_path",
    type=OUTPUT_FILE,
    default=None,
    help="Also write the results as JUnit XML to this file.",
)
@click.option(
    "--remote",
    is_flag=True,
    help="Run the tests on the stack through shadow triggers (deleted afterwards); "
    "takes the environment's apply lock meanwhile.",
)
@lock_timeout_option
@stack_options
@click.pass_obj
def test(
    opts: GlobalOptions,
    names: tuple[str, ...],
    junit_path: str | None,
    remote: bool,
    lock_timeout: str,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Run trigger tests: each test's event through the trigger's filter and vars.

    The definitions are validated first: invalid ones stop the run with their errors.
    NAME selects triggers by name (default: all). With --remote the tests run on the
    selected environment's stack (see `orchctl/cli/test_remote.py`), and every case where
    the stack and the offline evaluator disagree is reported. Exit status: 0 all passed,
    1 otherwise.
    """
    from orchctl.errors import UsageError, environment_errors
    from orchctl.triggertests import render_text, run_trigger_tests, write_junit

    timeout = lock_seconds(lock_timeout) if remote else 0.0
    project = load_valid_project(opts, stopped="no test was run")
    triggers = project.triggers
    if names:
        known = {t.name for t in triggers}
        missing = [n for n in names if n not in known]
        if missing:
            raise UsageError(
                f"no trigger named {', '.join(repr(m) for m in missing)}",
                hint="known triggers: " + (", ".join(sorted(known)) or "none"),
            )
        triggers = [t for t in triggers if t.name in names]
    if remote:
        from orchctl.cli.test_remote import run_remote

        stack = to_stack_options(ca_bundle, insecure, parallelism)
        return run_remote(opts, project, triggers, junit_path, stack, lock_timeout=timeout)
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
