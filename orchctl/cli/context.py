"""Options shared by every subcommand, set once by the group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GlobalOptions:
    directory: str
    env_name: str | None
    color: bool | None
    verbose: int
