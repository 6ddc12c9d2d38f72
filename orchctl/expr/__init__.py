"""orchctl's own evaluator for expr-lang (github.com/expr-lang/expr v1.17), as Formance uses it.

Formance Orchestration compiles trigger filters and vars with no environment (``link`` declared
as a function) and evaluates them on ``{"event": payload}`` decoded from JSON, where every number
is a float64. This package reproduces that::

    prog = compile_expr('event.status == "SUCCEEDED"')    # ExprCompileError on bad input
    result = prog.run({"event": payload}, link=None)       # ExprRuntimeError on failure
    filter_matches(result); stringify(result)              # Formance's match and var string
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from orchctl.expr.checker import CheckError, check
from orchctl.expr.errors import ExprCompileError, ExprError, ExprRuntimeError, RtError
from orchctl.expr.evaluator import MAX_STEPS, TIMEOUT_SECONDS, ChainNil, Compiler, Ctx, optimize
from orchctl.expr.gofmt import filter_matches, go_sprint, stringify
from orchctl.expr.parser import MAX_SOURCE_LENGTH, parse
from orchctl.expr.values import GoAnyMap, GoIntList, GoList, GoMap, GoPairMap, GoStrList, export

_CONTAINERS: frozenset[type[Any]] = frozenset(
    {list, dict, tuple, GoList, GoMap, GoAnyMap, GoIntList, GoStrList, GoPairMap}
)

__all__ = [
    "MAX_SOURCE_LENGTH",
    "MAX_STEPS",
    "TIMEOUT_SECONDS",
    "ExprCompileError",
    "ExprError",
    "ExprRuntimeError",
    "Program",
    "compile_expr",
    "filter_matches",
    "go_sprint",
    "stringify",
]


class Program:
    """A compiled expression: compile once, :meth:`run` many times."""

    __slots__ = ("_fn", "_nslots", "source", "unknown_functions")

    def __init__(
        self,
        source: str,
        fn: Callable[[Ctx], Any],
        nslots: int,
        unknown_functions: tuple[str, ...],
    ) -> None:
        self.source = source
        self._fn = fn
        self._nslots = nslots
        #: Names called as functions that are neither builtins nor ``link`` (expr accepts them
        #: at compile time; they fail when evaluated unless the env provides them).
        self.unknown_functions = unknown_functions

    def __repr__(self) -> str:
        return f"Program({self.source!r})"

    def run(
        self,
        env: dict[str, Any] | None = None,
        *,
        link: Callable[[Any, str], Any] | None = None,
        go_types: bool = False,
    ) -> Any:
        """Evaluate with ``env`` (e.g. ``{"event": payload}``); raise :class:`ExprRuntimeError`.

        Results are plain lists and dicts; with ``go_types`` a []int, []string or a map with
        interface{} keys keeps a list/dict subclass naming its Go type (``type_name``).
        """
        given = cast(object, {} if env is None else env)
        if not isinstance(given, dict):
            raise ExprRuntimeError(f"the environment must be a mapping, not {type(given).__name__}")
        ctx = Ctx(given, link, self._nslots)
        try:
            result = self._fn(ctx)
            if type(result) in _CONTAINERS:
                result = export(result, go_types=go_types)
            return result
        except RtError as exc:
            raise ExprRuntimeError(
                exc.msg, self.source, exc.loc or 0, wrapped=exc.wrapped
            ) from None
        except ExprRuntimeError:
            raise
        except ChainNil:
            return None
        except RecursionError:
            raise ExprRuntimeError("evaluation nested too deeply", self.source, 0) from None
        except MemoryError:
            raise ExprRuntimeError("memory budget exceeded", self.source, 0) from None
        except Exception as exc:  # never let anything else escape
            raise ExprRuntimeError(
                f"internal error while evaluating: {type(exc).__name__}: {exc}", self.source, 0
            ) from None


def compile_expr(source: str) -> Program:
    """Compile like Formance does (no env, ``link`` declared); raise :class:`ExprCompileError`."""
    if not isinstance(source, str):
        raise ExprCompileError(
            f"an expression must be a string, not {type(source).__name__}", "", 0
        )
    try:
        tree = parse(source)
        checker = check(tree)
        tree = optimize(tree, checker.is_int)
        compiler = Compiler(checker.typed_equal)
        fn = compiler.compile(tree)
    except ExprCompileError:
        raise
    except CheckError as exc:
        raise ExprCompileError(exc.message, source, exc.loc) from None
    except RecursionError:
        raise ExprCompileError("expression is nested too deeply", source, 0) from None
    except MemoryError:
        raise ExprCompileError("expression is too large", source, 0) from None
    except Exception as exc:  # never let anything else escape
        raise ExprCompileError(
            f"internal error while compiling: {type(exc).__name__}: {exc}", source, 0
        ) from None
    return Program(source, fn, compiler.nslots, tuple(checker.unknown_functions))
