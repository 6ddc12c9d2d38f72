"""`-o json` / `-o markdown` of a command that fails before it has a result: stdout gets a
document saying so (a PR bot posts the failure, not an empty comment); stderr and the exit
code stay as for any error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from orchctl.cli.context import GlobalOptions
from orchctl.diagnostics import InvalidDefinitions
from orchctl.errors import OrchctlError
from orchctl.render.failure import render_failure_json, render_failure_markdown


@contextmanager
def failure_document(command: str, output: str, opts: GlobalOptions) -> Iterator[None]:
    """Wrap the part of `command` that comes before its output is printed."""
    if output not in ("json", "markdown"):
        yield
        return
    try:
        yield
    except OrchctlError as exc:
        problems = exc.diagnostics if isinstance(exc, InvalidDefinitions) else ()
        environment = exc.environment if isinstance(exc, InvalidDefinitions) else opts.env_name
        namespace = exc.namespace if isinstance(exc, InvalidDefinitions) else None
        if output == "json":
            text = render_failure_json(
                command, str(exc), problems, environment=environment, namespace=namespace
            )
        else:
            text = render_failure_markdown(command, str(exc), problems, environment=environment)
        click.echo(text)
        raise
