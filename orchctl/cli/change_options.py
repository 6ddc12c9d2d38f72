"""`--prune/--no-prune`, `--force`, `--allow-empty`: how a plan is made, for plan and apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def change_options(command: F) -> F:
    command = click.option(
        "--allow-empty", is_flag=True, help="Allow pruning everything when the repository is empty."
    )(command)
    command = click.option(
        "--force",
        is_flag=True,
        help="Go on although triggers orchctl does not manage would be left dangling.",
    )(command)
    return click.option(
        "--prune/--no-prune",
        default=None,
        help="Delete managed objects no longer in the repository (needs a namespace). "
        "Default: `prune` in orchctl.yaml.",
    )(command)
