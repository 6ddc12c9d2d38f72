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


def placeholders(value: Any, path: PathT = ()) -> Iterator[Use]:
    """Every `${name}` inside string values (map keys are not interpolated by the server)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from placeholders(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from placeholders(item, (*path, index))
    elif isinstance(value, str) and "${" in value:
        for match in PLACEHOLDER.finditer(value):
            yield Use(match.group(1), path)


def keys_with_placeholders(value: Any, path: PathT = ()) -> Iterator[PathT]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and PLACEHOLDER.search(key):
                yield (*path, key)
            yield from keys_with_placeholders(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from keys_with_placeholders(item, (*path, index))


def unterminated(value: Any, path: PathT = ()) -> Iterator[PathT]:
    """Strings with a `${` that never closes (the server leaves them as they are)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from unterminated(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unterminated(item, (*path, index))
    elif isinstance(value, str) and "${" in PLACEHOLDER.sub("", value):
        yield path
