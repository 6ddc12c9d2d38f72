"""The ``orchctl`` command group and the one place that turns errors into exit codes."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from orchctl import __version__
from orchctl.cli.context import GlobalOptions
from orchctl.errors import OrchctlError

# Subcommands are imported on first use, keeping `orchctl --help` and startup fast.
# name -> "module:attribute" of a click.Command.
COMMANDS: dict[str, str] = {
    "init": "orchctl.cli.init:init",
    "validate": "orchctl.cli.validate:validate",
    "plan": "orchctl.cli.plan:plan",
    "apply": "orchctl.cli.apply:apply",
    "drift": "orchctl.cli.drift:drift",
    "sandbox": "orchctl.cli.sandbox:sandbox",
    "test": "orchctl.cli.test:test",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Project directory (where orchctl.yaml and the definitions live).",
)
@click.option(
    "--env",
    "env_name",
    envvar="ORCHCTL_ENV",
    default=None,
    help="Environment of orchctl.yaml to use (also ORCHCTL_ENV). Default: local.",
)
@click.option("--no-color", is_flag=True, help="Never color the output.")
@click.option("-v", "--verbose", count=True, help="More detail (repeat for more).")
@click.version_option(__version__, "--version", prog_name="orchctl")
@click.pass_context
def cli(
    ctx: click.Context, directory: str, env_name: str | None, no_color: bool, verbose: int
) -> None:
    """Workflow-as-code for Formance Orchestration (Flows)."""
    color = None if not no_color and not os.environ.get("NO_COLOR") else False
    ctx.color = color
    ctx.obj = GlobalOptions(directory=directory, env_name=env_name, color=color, verbose=verbose)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and map every outcome to an exit code."""
    sys.exit(run(argv))


# Global options that take a value, and those that do not.
_GLOBAL_WITH_VALUE = ("-C", "--env")
_GLOBAL_FLAGS = ("--no-color", "--verbose")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options written after the command in front of it, so that both
    `orchctl --env staging plan` and `orchctl plan --env staging` work. No subcommand
    defines these names; everything after `--` is left alone."""
    command_at = _command_index(argv)
    if command_at is None:
        return argv
    front, rest, moved = argv[: command_at + 1], argv[command_at + 1 :], []
    kept: list[str] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        if token == "--":
            kept.extend(rest[i:])
            break
        name = token.split("=", 1)[0]
        if name in _GLOBAL_WITH_VALUE:
            if "=" in token:
                moved.append(token)
            elif i + 1 < len(rest):
                moved.extend(rest[i : i + 2])
                i += 1
            else:
                kept.append(token)
        elif (
            token in _GLOBAL_FLAGS
            or (len(token) > 1 and set(token[1:]) == {"v"} and token[0] == "-")
            or (token.startswith("-C") and len(token) > 2)
        ):
            moved.append(token)
        else:
            kept.append(token)
        i += 1
    return [*front[:command_at], *moved, front[command_at], *kept]


def _command_index(argv: list[str]) -> int | None:
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in _GLOBAL_WITH_VALUE:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        return i
    return None


def run(argv: list[str] | None = None) -> int:
    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    verbose = _verbosity(argv)
    try:
        result: Any = cli.main(args=argv, prog_name="orchctl", standalone_mode=False)
    except OrchctlError as exc:
        click.echo(f"orchctl: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("orchctl: aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("orchctl: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug: say so, briefly, unless asked for detail
        if verbose:
            traceback.print_exc()
        click.echo(
            f"orchctl: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug in orchctl; run with -v for the traceback)",
            err=True,
        )
        return 3
    return int(result) if isinstance(result, int) else 0


def _verbosity(argv: list[str]) -> int:
    return sum(a.count("v") for a in argv if a.startswith("-") and set(a[1:]) == {"v"}) + sum(
        1 for a in argv if a == "--verbose"
    )
