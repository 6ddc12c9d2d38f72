"""`--lock-timeout`, for the commands that write to a stack (apply, test --remote)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from orchctl.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def lock_timeout_option(command: F) -> F:
    return click.option(
        "--lock-timeout",
        default="0s",
        show_default=True,
        help="How long to wait for another apply's lock (a Go duration: 30s, 5m).",
    )(command)


def lock_seconds(text: str) -> float:
    """The --lock-timeout value in seconds; a bad value is a usage error."""
    from orchctl.expr.gotime import parse_duration  # not needed for --help

    try:
        ns = parse_duration(text).ns
    except Exception as exc:
        raise UsageError(
            f"--lock-timeout: {exc}", hint="a Go duration such as 0s, 30s or 5m"
        ) from None
    if ns < 0:
        raise UsageError("--lock-timeout cannot be negative")
    return ns / 1e9
