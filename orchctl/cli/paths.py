"""Output files given on the command line, checked before any work starts.

`plan --out`, `test --junit` (and `apply`'s report) would otherwise fail only after the
work: a whole plan computed, or tests run, then "no such directory". A click parameter type
checks what can be checked up front (the folder exists, is a folder, is writable; the path
is not a folder); what only writing tells (a full disk) is turned into one line by
:func:`orchctl.errors.environment_errors` where the file is written.
"""

from __future__ import annotations

import os
from typing import Any

import click


class OutputFile(click.ParamType[str]):
    """A file orchctl will write: `click.Path` checks only paths that already exist.

    `replaced`: the file is written beside and renamed over (never half written), so the
    path must be a regular file or nothing yet — renaming over `/dev/stdout` or a FIFO
    would replace the device, not write to it.
    """

    name = "file"

    def __init__(self, *, replaced: bool = False) -> None:
        self.replaced = replaced

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        path = str(os.fspath(value))
        if path == "-":
            self.fail("writing to stdout is not supported here; give a file name", param, ctx)
        if os.path.isdir(path):
            self.fail(f"{path} is a directory", param, ctx)
        if self.replaced and os.path.lexists(path) and not os.path.isfile(path):
            self.fail(f"{path} exists and is not a regular file", param, ctx)
        folder = os.path.dirname(os.path.abspath(path))
        shown = os.path.dirname(path) or "."
        if not os.path.exists(folder):
            self.fail(f"the folder {shown} does not exist", param, ctx)
        if not os.path.isdir(folder):
            self.fail(f"{shown} is not a folder", param, ctx)
        if not os.access(folder, os.W_OK | os.X_OK):
            self.fail(f"the folder {shown} is not writable", param, ctx)
        if os.path.exists(path) and not os.access(path, os.W_OK):
            self.fail(f"{path} is not writable", param, ctx)
        return path


OUTPUT_FILE = OutputFile()
REPLACED_FILE = OutputFile(replaced=True)
