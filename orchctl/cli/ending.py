"""How the process ends: its output flushed, its heap left to the kernel.

A plan of 10,000 + 10,000 definitions builds millions of objects. Freed one by one as the
command returned, then as the interpreter finalized, they took 0.13 s of the 4 s a user
waited, after the plan was already on the screen. The commands `keep` what they built,
and `end` flushes stdout, stderr and the log handlers (click.echo flushes each write
already), then ends the process with `os._exit` (mypy ends the same way,
`mypy.util.hard_exit`). No part of orchctl relies on an atexit handler or a finalizer:
files, databases and connections are closed by the `with` blocks that opened them, before
the command returns (tests/cli/test_cli_process_end.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn

_kept: list[object] = []


def keep(*objects: object) -> None:
    """Leave these alive until the process ends (freeing them would only cost time)."""
    _kept.extend(objects)


def release() -> None:
    """Let go of what was kept: an in-process run (the tests) starts with nothing kept."""
    _kept.clear()


def end(code: int) -> NoReturn:
    """End the process with `code`, its output written."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed or broken: said already
            stream.flush()
    logging.shutdown()
    os._exit(code)
