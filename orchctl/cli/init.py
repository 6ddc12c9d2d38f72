"""`orchctl init`: scaffold a project that validates and tests cleanly."""

from __future__ import annotations

import os

import click

from orchctl.cli.context import GlobalOptions
from orchctl.errors import UsageError, environment_errors


@click.command(short_help="Scaffold orchctl.yaml, a workflow and a trigger.")
@click.argument("directory", required=False)
@click.pass_obj
def init(opts: GlobalOptions, directory: str | None) -> int:
    """Create orchctl.yaml, a workflow and a trigger with tests in DIRECTORY (default: -C)."""
    from orchctl.definitions.discovery import display_path
    from orchctl.scaffold import GITIGNORE, SCAFFOLD

    root = directory or opts.directory
    if os.path.exists(root) and not os.path.isdir(root):
        raise UsageError(f"{root!r} exists and is not a directory")
    existing = [name for name in SCAFFOLD if os.path.lexists(os.path.join(root, name))]
    if existing:
        shown = ", ".join(display_path(os.path.join(root, n)) for n in existing)
        raise UsageError(f"refusing to overwrite existing files: {shown}")
    for name, text in SCAFFOLD.items():
        path = os.path.join(root, name)
        with environment_errors("create", display_path(path)):
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(text)
        click.echo(f"created {display_path(path)}")
    gitignore = os.path.join(root, ".gitignore")
    if not os.path.lexists(gitignore):
        with (
            environment_errors("create", display_path(gitignore)),
            open(gitignore, "x", encoding="utf-8") as fh,
        ):
            fh.write(GITIGNORE)
        click.echo(f"created {display_path(gitignore)}")
    else:
        click.echo("left .gitignore as it is (orchctl keeps local sandbox state in .orchctl/)")
    where = "" if root == "." else f" -C {root}"
    click.echo(f"\nNext: orchctl{where} validate, then orchctl{where} test.")
    return 0
