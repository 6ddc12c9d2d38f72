"""`orchctl run WORKFLOW`: start a run of a live workflow by name or id."""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Any

import click

from orchctl.cli.common import stack_options, to_stack_options, warn
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import connect
from orchctl.errors import UsageError

if TYPE_CHECKING:
    pass

POLL_SECONDS = 0.2
_VAR_NAME = re.compile(r"^[^{}$\s=]+$")


@click.command(short_help="Start a run of a workflow.")
@click.argument("workflow")
@click.option(
    "--var",
    "var_items",
    multiple=True,
    metavar="NAME=VALUE",
    help="A run variable, the value of ${NAME} in the stages (repeatable).",
)
@click.option(
    "--vars-file",
    type=click.Path(dir_okay=False, exists=True),
    help="A YAML or JSON map of run variables (--var wins over it).",
)
@click.option("--wait", is_flag=True, help="Wait for the run to end; exit 1 if it failed.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.0),
    default=None,
    help="With --wait: give up waiting after this many seconds (default 120).",
)
@stack_options
@click.pass_obj
def run(
    opts: GlobalOptions,
    workflow: str,
    var_items: tuple[str, ...],
    vars_file: str | None,
    wait: bool,
    timeout: float | None,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Start a run of WORKFLOW (a definition name, a stack name or an id) and print the
    instance id. The variables are checked against the ${...} the workflow uses.

    Exit status: 0 started (with --wait: succeeded), 1 error or failed run.
    """
    from orchctl.cli.instances import ended_line, outcome
    from orchctl.resolve import resolve_workflow
    from orchctl.validation.variables import placeholders

    variables = _read_vars_file(vars_file) if vars_file else {}
    variables.update(_parse_vars(var_items))
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism)) as live:
        target = resolve_workflow(live.client, live.namer, workflow, live.where)
        if target.deleted:
            warn(
                f"workflow {target.name or '(no name)'} ({target.id}) is deleted; "
                "the server runs it anyway"
            )
        shown = live.namer.plain_name(target.name) or target.name or target.id
        used = {u.name for u in placeholders(list(target.config.stages))}
        for name in sorted(used - set(variables)):
            warn(
                f"workflow {shown} uses ${{{name}}}, which is not given: at run time it "
                'becomes "" and the field\'s default applies (--var ' + name + "=VALUE)"
            )
        for name in sorted(set(variables) - used):
            warn(f"variable {name} is not used by workflow {shown}")
        instance = live.client.run_workflow(target.id, variables)
        click.echo(instance.id)  # before waiting: Ctrl-C or a lost connection keeps the id
        if not wait:
            return 0
        budget = live.client.config.timeouts.total if timeout is None else timeout
        deadline = time.monotonic() + budget
        while not instance.terminated and time.monotonic() < deadline:
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            instance = live.client.get_instance(instance.id)
        click.echo(ended_line(instance), err=True)
        return 0 if outcome(instance) == "succeeded" else 1


def _parse_vars(items: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not _VAR_NAME.match(name):
            raise UsageError(f"--var {item!r}: expected NAME=VALUE", hint="e.g. --var walletID=w1")
        out[name] = value
    return out


def _read_vars_file(path: str) -> dict[str, str]:
    import yaml

    shown = os.path.relpath(path) if not path.startswith("..") else path
    try:
        with open(path, encoding="utf-8") as handle:
            data: Any = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"{shown}: cannot read the variables: {_one_line(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{shown}: expected a map of NAME: VALUE, got {type(data).__name__}")
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[str(key)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[str(key)] = str(value)
        else:
            raise UsageError(
                f"{shown}: variable {key}: expected a string, got {type(value).__name__}",
                hint="run variables are strings",
            )
    return out


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
