"""Formance's run-time `${name}` placeholders: where a workflow uses them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PathT = tuple[str | int, ...]

PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")  # the server's own pattern


@dataclass(frozen=True)
class Use:
    name: str
    path: PathT


@dataclass(frozen=True)
class Scan:
    """What one walk over a value finds (each list in document order)."""

    uses: tuple[Use, ...]
    keys: tuple[PathT, ...]  # map keys holding a ${...}: the server does not interpolate them
    unterminated: tuple[PathT, ...]  # strings with a `${` that never closes


def scan(value: Any, path: PathT = ()) -> Scan:
    """Every `${name}` inside string values, every key holding one, every unclosed `${`.
    One walk; a path is built only where something is found."""
    walk = _Scan(list(path))
    walk.visit(value)
    return Scan(tuple(walk.uses), tuple(walk.keys), tuple(walk.unclosed))


class _Scan:
    """The walk of `scan` (a class, not a recursive closure: a closure calling itself is a
    reference cycle, left to the cyclic collector, 40,000 of them at 10,000 workflows)."""

    __slots__ = ("keys", "trail", "unclosed", "uses")

    def __init__(self, trail: list[str | int]) -> None:
        self.uses: list[Use] = []
        self.keys: list[PathT] = []
        self.unclosed: list[PathT] = []
        self.trail = trail

    def visit(self, node: Any) -> None:
        trail = self.trail
        if isinstance(node, str):
            if "${" in node:
                here = tuple(trail)
                self.uses.extend(Use(m.group(1), here) for m in PLACEHOLDER.finditer(node))
                if "${" in PLACEHOLDER.sub("", node):
                    self.unclosed.append(here)
        elif isinstance(node, dict):
            for key, item in node.items():
                trail.append(key)
                if isinstance(key, str) and "${" in key and PLACEHOLDER.search(key):
                    self.keys.append(tuple(trail))
                self.visit(item)
                trail.pop()
        elif isinstance(node, list):
            for index, item in enumerate(node):
                trail.append(index)
                self.visit(item)
                trail.pop()


def placeholders(value: Any, path: PathT = ()) -> Iterator[Use]:
    """Every `${name}` inside string values (map keys are not interpolated by the server)."""
    yield from scan(value, path).uses


def keys_with_placeholders(value: Any, path: PathT = ()) -> Iterator[PathT]:
    yield from scan(value, path).keys


def unterminated(value: Any, path: PathT = ()) -> Iterator[PathT]:
    """Strings with a `${` that never closes (the server leaves them as they are)."""
    yield from scan(value, path).unterminated
