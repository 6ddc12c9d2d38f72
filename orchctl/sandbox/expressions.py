"""The one place that talks to orchctl's expr-lang evaluator (``orchctl.expr``).

Imported lazily: the sandbox starts without it, and only trigger creation, testing and
live events need it. The evaluator's API::

    compile_expr(source) -> program      # ExprCompileError (syntax only, no environment)
    program.run({"event": payload}, link=callable_or_None)   # ExprRuntimeError
    stringify(value) -> str             # Formance's var stringification
    filter_matches(value) -> bool       # True only for boolean True
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from orchctl.sandbox.links import LinkFollower


def _expr() -> Any:
    return importlib.import_module("orchctl.expr")


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: str = ""


def compile_error(source: str) -> str | None:
    """The compile error of ``source`` (syntax only), or None when it compiles."""
    expr = _expr()
    try:
        expr.compile_expr(source)
    except expr.ExprCompileError as exc:
        return str(exc)
    return None


def evaluate(source: str, payload: Any, link: LinkFollower | None = None) -> Outcome:
    """Run ``source`` on ``{"event": payload}``. A failed ``link()`` reports the bare
    message, as the service does (it unwraps the error a function call raised)."""
    expr = _expr()
    if link is not None:
        link.failure = None
    try:
        program = expr.compile_expr(source)
        return Outcome(program.run({"event": payload}, link=link))
    except expr.ExprError as exc:
        if link is not None and link.failure is not None:
            return Outcome(None, link.failure)
        return Outcome(None, str(exc) or type(exc).__name__)


def stringify(value: Any) -> str:
    return str(_expr().stringify(value))


def filter_matches(value: Any) -> bool:
    return bool(_expr().filter_matches(value))
