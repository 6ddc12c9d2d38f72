"""What the operations commands (run, instances, triggers, info, import) share: the
project's settings, one open stack, `-o text|json`, and the JSON document they print."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from orchctl.cli.common import warn
from orchctl.cli.context import GlobalOptions
from orchctl.errors import ProjectError

if TYPE_CHECKING:
    from orchctl.api import OrchestrationClient
    from orchctl.definitions.project import Environment, ProjectConfig
    from orchctl.plan.identity import Namer
    from orchctl.stack import StackOptions, Target

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Live:
    """One open stack and how names are read on it."""

    client: OrchestrationClient
    target: Target
    config: ProjectConfig
    environment: Environment

    @property
    def namer(self) -> Namer:
        from orchctl.plan.identity import Namer

        return Namer(self.config.namespace)

    @property
    def where(self) -> str:
        """For messages: ``environment local``."""
        return f"environment {self.target.environment}"


def project_settings(opts: GlobalOptions) -> tuple[ProjectConfig, Environment]:
    """orchctl.yaml (defaults without one) and the selected environment. An invalid
    orchctl.yaml stops the command: it may name the wrong stack."""
    from orchctl.definitions.project import load_project_config

    config, diagnostics = load_project_config(opts.directory)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise ProjectError(
            f"orchctl.yaml is invalid: {errors[0].render()}",
            hint="run `orchctl validate` for every problem",
        )
    return config, config.environment(opts.env_name)


@contextmanager
def connect(
    opts: GlobalOptions, stack: StackOptions | None = None, *, announce: bool = False
) -> Iterator[Live]:
    from orchctl.stack import StackOptions, open_stack

    config, environment = project_settings(opts)
    with open_stack(config.root, environment, stack or StackOptions(), warn=warn) as (
        client,
        target,
    ):
        if announce:
            click.echo(f"Reading {target.describe()}...", err=True)
        yield Live(client, target, config, environment)


def output_option(command: F) -> F:
    """`-o text|json`, on every command that lists."""
    return click.option(
        "-o",
        "--output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Output format.",
    )(command)


def echo_json(kind: str, payload: Any) -> None:
    """A versioned JSON document: ``{"format_version": 1, "<kind>": ...}``."""
    click.echo(
        json.dumps({"format_version": FORMAT_VERSION, kind: payload}, indent=2, ensure_ascii=False)
    )


def table(rows: list[list[str]], header: list[str]) -> list[str]:
    """Left-aligned columns separated by two spaces, trailing blanks removed."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
