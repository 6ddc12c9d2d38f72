"""`{{ params.NAME }}`: per-environment values, substituted before anything else.

A string that is exactly one placeholder takes the parameter's own type (so a boolean or
number parameter can fill a boolean or number field); elsewhere the value is spliced into
the string. `${var}` (Formance's run-time variables) is left untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orchctl.definitions.project import Environment
from orchctl.validation.hints import did_you_mean

PathT = tuple[str | int, ...]
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}")
_PARAM = re.compile(r"^\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass
class Substitution:
    problems: list[tuple[PathT, str, str | None]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    changed: set[PathT] = field(default_factory=set)


def resolve_param(env: Environment, name: str, environ: Mapping[str, str]) -> Any:
    """The value of a parameter; raises KeyError with a message when it has none."""
    param = env.params[name]
    if param.env is not None:
        if param.env not in environ:
            raise KeyError(
                f"parameter '{name}' reads environment variable {param.env}, which is not set"
            )
        return environ[param.env]
    return param.value


def substitute(
    data: Any, env: Environment, environ: Mapping[str, str], result: Substitution
) -> Any:
    """`data` with every parameter substituted. What holds no `{{` is not copied: the result
    shares those values with `data` (neither is changed afterwards)."""
    return _Substitute(env, environ, result).visit(data, [])


class _Substitute:
    """The walk of `substitute` (a class, not a recursive closure: a closure calling itself
    is a reference cycle, left to the cyclic collector, one per document)."""

    __slots__ = ("env", "environ", "result")

    def __init__(self, env: Environment, environ: Mapping[str, str], result: Substitution):
        self.env = env
        self.environ = environ
        self.result = result

    def visit(self, value: Any, trail: list[str | int]) -> Any:
        if isinstance(value, str):
            if "{{" in value:
                return _string(value, tuple(trail), self.env, self.environ, self.result)
            return value
        if isinstance(value, dict):
            out: dict[str, Any] | None = None
            for key, item in value.items():
                trail.append(key)
                new = self.visit(item, trail)
                trail.pop()
                if new is not item:
                    if out is None:
                        out = dict(value)
                    out[key] = new
            return value if out is None else out
        if isinstance(value, list):
            copy: list[Any] | None = None
            for index, item in enumerate(value):
                trail.append(index)
                new = self.visit(item, trail)
                trail.pop()
                if new is not item:
                    if copy is None:
                        copy = list(value)
                    copy[index] = new
            return value if copy is None else copy
        return value


def _string(
    text: str, path: PathT, env: Environment, environ: Mapping[str, str], result: Substitution
) -> Any:
    matches = list(_TEMPLATE.finditer(text))
    if not matches:
        return text
    values: list[Any] = []
    for match in matches:
        param = _PARAM.match(match.group(1))
        if param is None:
            result.problems.append(
                (
                    path,
                    f"unsupported template {match.group(0)!r}: only {{{{ params.NAME }}}} is "
                    "substituted",
                    "Formance run-time variables are written ${name}",
                )
            )
            return text
        name = param.group(1)
        if name not in env.params:
            defined = ", ".join(sorted(env.params)) or "none"
            result.problems.append(
                (
                    path,
                    f"undefined parameter '{name}' in environment '{env.name}' "
                    f"(defined: {defined})",
                    did_you_mean(name, env.params),
                )
            )
            return text
        try:
            values.append(resolve_param(env, name, environ))
        except KeyError as exc:
            result.problems.append((path, str(exc.args[0]), None))
            return text
        result.used.add(name)
    result.changed.add(path)
    if len(matches) == 1 and matches[0].group(0) == text:
        return values[0]
    pieces = iter(_render(v) for v in values)
    return _TEMPLATE.sub(lambda _m: next(pieces), text)


def _render(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def sensitive_values(env: Environment, environ: Mapping[str, str]) -> list[str]:
    """Values of the parameters marked `sensitive`, to be masked in every output."""
    values = []
    for name, param in env.params.items():
        if not param.sensitive:
            continue
        try:
            value = resolve_param(env, name, environ)
        except KeyError:
            continue
        if value is not None and str(value):
            values.append(str(value))
    return values
