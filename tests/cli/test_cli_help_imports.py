"""A help screen imports click and the CLI's own skeleton, nothing else of weight.

`orchctl --help` imports every command module (for the one-line summaries), so a command
module must import what it needs to *run* inside its command function; this pins that for
every command in COMMANDS, including commands added later.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest

from orchctl.cli.main import COMMANDS

# The CLI skeleton a help screen may load: the group, the shared option decorators, errors,
# how the process ends.
SKELETON = frozenset(
    {
        "orchctl",
        "orchctl.cli",
        "orchctl.cli.main",
        "orchctl.cli.context",
        "orchctl.cli.ending",
        "orchctl.cli.common",
        "orchctl.cli.change_options",
        "orchctl.cli.lock_option",
        "orchctl.cli.live",
        "orchctl.github",
        "orchctl.github.markers",
        "orchctl.cli.paths",
        "orchctl.errors",
        "orchctl.validation",
        "orchctl.validation.hints",
    }
)
# Standard-library modules that cost real start-up time and that only running a command
# needs (all were imported by `orchctl plan --help` before this was pinned).
HEAVY_STDLIB = frozenset(
    {
        "asyncio",
        "concurrent",
        "decimal",
        "email",
        "hashlib",
        "http",
        "multiprocessing",
        "socket",
        "ssl",
        "subprocess",
        "urllib",
        "uuid",
        "xml",
        "zoneinfo",
    }
)

PROBE = """
import contextlib, io, json, sys
from orchctl.cli.main import run
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = run(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules), "help": out.getvalue()}))
"""


def help_imports(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result = json.loads(done.stdout)
    assert result["code"] == 0
    assert "Usage: orchctl" in result["help"]
    return set(result["modules"]) - click_baseline()


@functools.cache
def click_baseline() -> frozenset[str]:
    """What a fresh interpreter holds once click is imported (site hooks, click's needs)."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys, click; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return frozenset(json.loads(done.stdout))


def command_module(name: str) -> str:
    return COMMANDS[name].partition(":")[0]


def problems(modules: set[str], allowed_own: set[str]) -> list[str]:
    found = []
    for name in sorted(modules):
        top = name.partition(".")[0]
        if top == "orchctl":
            if name not in SKELETON | allowed_own:
                found.append(name)
        elif top in HEAVY_STDLIB:
            found.append(name)
        elif top not in sys.stdlib_module_names and top != "click":
            found.append(name)  # a third-party package (or a compiled part of one)
    return found


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_help_imports_only_click_and_the_cli_skeleton(name: str) -> None:
    modules = help_imports(name, "--help")
    assert problems(modules, {command_module(name)}) == [], (
        f"`orchctl {name} --help` imports these; import them inside the command function"
    )


def test_the_top_level_help_imports_only_click_and_the_command_modules() -> None:
    modules = help_imports("--help")
    assert problems(modules, {command_module(n) for n in COMMANDS}) == []


def test_the_pin_catches_a_heavy_import() -> None:
    assert problems({"httpx", "yaml", "orchctl.api.client", "ssl", "click.core"}, set()) == [
        "httpx",
        "orchctl.api.client",
        "ssl",
        "yaml",
    ]
