"""`orchctl import`: adopt live workflows and triggers as definition files."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from orchctl.cli.common import stack_options, to_stack_options, warn
from orchctl.cli.context import GlobalOptions
from orchctl.cli.live import connect
from orchctl.errors import UsageError

if TYPE_CHECKING:
    from orchctl.importer.select import Imported, Kind


@click.command("import", short_help="Write definitions for live workflows and triggers.")
@click.argument("names", nargs=-1, metavar="[NAME|ID]...")
@click.option("--all", "everything", is_flag=True, help="Everything (in the namespace, if set).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder to write into (default: the project directory).",
)
@stack_options
@click.pass_obj
def import_(
    opts: GlobalOptions,
    names: tuple[str, ...],
    everything: bool,
    out_dir: str | None,
    ca_bundle: str | None,
    insecure: bool | None,
    parallelism: int | None,
) -> int:
    """Write definitions for live workflows and triggers, by NAME or id, or --all: the
    namespace prefix becomes the plain name, a trigger's workflowID its workflow's name,
    stages exactly as stored. A trigger brings its workflow along. Never overwrites a file;
    what cannot be represented is refused, with how to resolve it.

    Exit status: 0 everything asked for was imported (or is already defined), 1 otherwise.
    """
    from orchctl.definitions.loader import load_project
    from orchctl.importer.select import select
    from orchctl.importer.write import NO_TESTS, planned, write_all

    if not names and not everything:
        raise UsageError("name what to import, or pass --all", hint="orchctl import NAME...")
    project = load_project(opts.directory, opts.env_name)
    defined: dict[Kind, set[str]] = {
        "Workflow": {w.name for w in project.workflows},
        "Trigger": {t.name for t in project.triggers},
    }
    with connect(opts, to_stack_options(ca_bundle, insecure, parallelism), announce=True) as live:
        state = live.client.list_all()
        selection = select(
            state,
            live.namer,
            names,
            everything=everything,
            defined=defined,
            where=live.where,
        )
    root = project.config.root
    target = out_dir if out_dir is not None else root
    files = planned(selection.imported, target, live.target.environment)
    write_all(files)
    for f in files:
        click.echo(f"+ {_display(f.path)}  {_describe(f.item)}")
    for skipped in selection.skipped:
        click.echo(f"= {skipped.kind} {skipped.name}: {skipped.why}")
    workflows = sum(1 for f in files if f.item.kind == "Workflow")
    triggers = len(files) - workflows
    if files:
        click.echo(
            f"Imported {_count(workflows, 'workflow')} and {_count(triggers, 'trigger')} "
            f"into {_display(target).rstrip(os.sep) + os.sep}"
        )
        if triggers:
            click.echo(NO_TESTS)
        _validate(root if _inside(target, root) else target, {f.path for f in files}, opts.env_name)
    elif not selection.refused:
        click.echo("Nothing to import.")
    if selection.outside:
        click.echo(
            f"{_count(selection.outside, 'object')} outside namespace "
            f"'{live.config.namespace}' left out (name one to see why it cannot be imported)."
        )
    if not selection.refused:
        return 0
    click.echo(f"Not imported ({len(selection.refused)}):", err=True)
    for refusal in selection.refused:
        click.echo(f"  {refusal.render()}", err=True)
    return 1


def _validate(root: str, written: set[str], env_name: str | None) -> None:
    """Check what was written as `orchctl validate` would; say what needs a hand."""
    from orchctl.definitions.loader import load_project
    from orchctl.diagnostics import sort_diagnostics
    from orchctl.validation.checks import check_project

    project = load_project(root, env_name)
    shown = {_display(p) for p in written}
    found = [
        d
        for d in sort_diagnostics(check_project(project))
        if d.file in shown or _display(os.path.join(root, d.file)) in shown
    ]
    errors = [d for d in found if d.severity == "error"]
    for diagnostic in found:
        line = diagnostic.render()
        if "unknown key" in diagnostic.message:
            line += " (kept as stored: the server keeps unknown stage keys and ignores them)"
        warn(line)
    if errors:
        warn(
            f"{_count(len(errors), 'error')} in the imported definitions: `orchctl plan` refuses "
            "them until fixed, and fixing a workflow replaces it on the stack"
        )


def _describe(item: Imported) -> str:
    text = f"{item.kind} {item.name} ({item.live.id})"
    if item.because:
        text += f", because {item.because}"
    return text


def _inside(path: str, root: str) -> bool:
    path, root = os.path.abspath(path), os.path.abspath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _display(path: str) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.abspath(path)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
