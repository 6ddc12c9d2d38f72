"""The ``orchctl`` command group and the one place that turns errors into exit codes."""

from __future__ import annotations

import importlib
import logging
import os
import re
import sqlite3
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from orchctl import __version__
from orchctl.cli.context import GlobalOptions
from orchctl.cli.ending import end, release
from orchctl.errors import OrchctlError, environment_error
from orchctl.validation.hints import closest

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
    "run": "orchctl.cli.run:run",
    "instances": "orchctl.cli.instances:instances",
    "triggers": "orchctl.cli.triggers:triggers",
    "info": "orchctl.cli.info:info",
    "import": "orchctl.cli.import_:import_",
    "unlock": "orchctl.cli.unlock:unlock",
    "show": "orchctl.cli.show:show",
    "github": "orchctl.cli.github:github",
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


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,  # `orchctl` alone is a usage error of ours (help, then exit 1)
)
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


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: run the CLI and map every outcome to an exit code."""
    code = run(argv)
    try:
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at interpreter exit
    except OSError as exc:
        if not isinstance(exc, BrokenPipeError):
            click.echo(f"orchctl: error: {environment_error(exc)}", err=True)
        code = code or 1
        # What could not be written is dropped, so the interpreter's own flush at exit
        # does not fail again (the idiom of Python's signal documentation for SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    end(code)


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
    """Run the CLI on `argv`; return the exit code: 0 success, 2 changes or drift (and only
    that), 1 every error — usage errors included —, 130 interrupted, 3 a bug in orchctl."""
    release()
    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    verbose = _verbosity(argv)
    try:
        with _logging(verbose):
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
    except click.UsageError as exc:
        at = _command_index(argv)
        if exc.ctx is not None and (
            isinstance(exc, _NO_ARGS_IS_HELP)
            or (exc.ctx.parent is None and exc.format_message() == "Missing command.")
        ):  # a group without its command (`orchctl` alone): its help, then the error line
            click.echo(exc.ctx.get_help() + "\n", err=True)
            message = f"missing command (hint: see `{exc.ctx.command_path} --help`)"
            click.echo(f"orchctl: error: {message}", err=True)
            return 1
        fallback = f"orchctl {argv[at]}" if at is not None and argv[at] in COMMANDS else "orchctl"
        click.echo(f"orchctl: error: {usage_message(exc, fallback)}", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"orchctl: error: {_sentence(exc.format_message())}", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return 1
    except (OSError, sqlite3.Error) as exc:  # the machine said no: a path, a port, a disk
        if verbose:
            traceback.print_exc()
        click.echo(f"orchctl: error: {environment_error(exc)}", err=True)
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


# click >= 8.2: a group called without its command (8.1 printed the help and exited 0)
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*)'\.")


def usage_message(exc: click.UsageError, fallback: str = "orchctl") -> str:
    """A usage error as one line: click's message, lowercased, with the closest command or
    option when there is one, else where the options are listed."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else fallback
    message = exc.format_message()
    best: str | None = None
    if isinstance(exc, click.NoSuchOption) and exc.option_name in _GLOBAL_WITH_VALUE:
        # `orchctl plan -C`: a global option at the very end, without its value
        message, command = f"option '{exc.option_name}' requires an argument", "orchctl"
    elif isinstance(exc, click.NoSuchOption) and ctx is not None:
        message = f"no such option '{exc.option_name}'"
        names = [n for p in ctx.command.params for n in (*p.opts, *p.secondary_opts)]
        bare = {n.lstrip("-"): n for n in [*names, "--help"] if len(n.lstrip("-")) > 1}
        near = closest(exc.option_name.lstrip("-"), bare)  # the dashes are not a likeness
        best = bare[near] if near else None
    elif ctx is not None and isinstance(ctx.command, click.Group):
        found = _NO_SUCH_COMMAND.fullmatch(message)
        if found:
            best = closest(found["name"], ctx.command.list_commands(ctx))
    hint = f"did you mean `{best}`?" if best else f"see `{command} --help`"
    return f"{_sentence(message)} (hint: {hint})"


def _sentence(message: str) -> str:
    """Click's `No such command 'x'.` -> `no such command 'x'`."""
    text = message.strip().rstrip(".")
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[:1].lower() + text[1:]
    return text


class _StderrHandler(logging.Handler):
    """Log records as `orchctl: ...` lines on the current stderr (capsys-friendly)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(f"orchctl: {record.getMessage()}", err=True)
        except Exception:  # pragma: no cover - logging must never break a command
            self.handleError(record)


@contextmanager
def _logging(verbose: int) -> Iterator[None]:
    """-v: what orchctl reads and why (environment, URL, auth mode, pages, timings);
    -vv: also one line per HTTP request (method, path, status, duration)."""
    logger = logging.getLogger("orchctl")
    handler = _StderrHandler()
    previous = logger.level, logger.propagate
    logger.setLevel(
        logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    )
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous[0])
        logger.propagate = previous[1]


def _verbosity(argv: list[str]) -> int:
    return sum(a.count("v") for a in argv if a.startswith("-") and set(a[1:]) == {"v"}) + sum(
        1 for a in argv if a == "--verbose"
    )
