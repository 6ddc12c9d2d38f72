"""expr-lang v1.17.7's optimizer passes that orchctl's evaluator would otherwise not see
(optimizer/fold.go, in_array.go, in_range.go, filter_len.go, predicate_combination.go,
sum_map.go), each as Go's walks it: bottom-up, a replacement taking the replaced node's place
(ast.Patch keeps its location).

They change what a user can observe: `1 % (1 - 1)` is a compile error, `x or 1 == 1` is true
without reading `x`, `nil in ["", "a"]` looks up "" in a set, `x in 1..3` on an int is two
comparisons, `len(filter(a, p))` never builds the filtered array.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orchctl.expr import ast
from orchctl.expr.checker import CheckError
from orchctl.expr.errors import RtError
from orchctl.expr.values import add, div, go_pow, mod, mul, sub, wrap_int


class ConstSet(ast.Node):
    """Internal: the map[string]struct{} / map[int]struct{} in_array.go makes of an array
    literal on the right of `in`; a lookup (nil looks up the zero key)."""

    __slots__ = ("members", "of_int")

    def __init__(self, loc: int, members: frozenset[Any], of_int: bool) -> None:
        super().__init__(loc)
        self.members = members
        self.of_int = of_int


def _rewrite(node: ast.Node, rewrite: Callable[[ast.Node], ast.Node]) -> None:
    for name in node.__slots__:
        child = getattr(node, name, None)
        if isinstance(child, ast.Node):
            setattr(node, name, rewrite(child))
        elif isinstance(child, list):
            for i, item in enumerate(child):
                if isinstance(item, ast.Node):
                    child[i] = rewrite(item)


IntTyped = Callable[[ast.Node], bool]


# --- in_array.go (before fold.go: only literal elements as written) ---


def in_array(node: ast.Node, is_int: IntTyped) -> ast.Node:
    _rewrite(node, lambda n: in_array(n, is_int))
    if not (isinstance(node, ast.Binary) and node.op == "in"):
        return node
    array = node.right
    if not isinstance(array, ast.Array) or not array.nodes:
        return node
    if is_int(node.left) and all(isinstance(n, ast.Int) for n in array.nodes):
        members: frozenset[Any] = frozenset(n.value for n in array.nodes)  # type: ignore[attr-defined]
        node.right = ConstSet(array.loc, members, of_int=True)
    elif all(isinstance(n, ast.Str) for n in array.nodes):
        members = frozenset(n.value for n in array.nodes)  # type: ignore[attr-defined]
        node.right = ConstSet(array.loc, members, of_int=False)
    return node


# --- fold.go ---


def _number(node: ast.Node) -> int | float | None:
    if isinstance(node, ast.Int | ast.Float):
        return node.value
    return None


def _literal(loc: int, value: Any) -> ast.Node:
    if type(value) is bool:
        return ast.Bool(loc, value)
    if type(value) is int:
        return ast.Int(loc, value)
    if type(value) is float:
        return ast.Float(loc, value)
    return ast.Str(loc, value)


class _Fold:
    def __init__(self) -> None:
        self.applied = False

    def visit(self, node: ast.Node) -> ast.Node:
        _rewrite(node, self.visit)
        new = self._fold(node)
        if new is not node:
            self.applied = True
        return new

    def _fold(self, node: ast.Node) -> ast.Node:
        if isinstance(node, ast.Unary):
            inner = node.node
            if node.op in ("-", "+") and isinstance(inner, ast.Int):
                return ast.Int(node.loc, wrap_int(-inner.value) if node.op == "-" else inner.value)
            if node.op in ("-", "+") and isinstance(inner, ast.Float):
                return ast.Float(node.loc, -inner.value if node.op == "-" else inner.value)
            if node.op in ("!", "not") and isinstance(inner, ast.Bool):
                return ast.Bool(node.loc, not inner.value)
            return node
        if isinstance(node, ast.Binary):
            return self._binary(node)
        return node

    def _binary(self, node: ast.Binary) -> ast.Node:
        op, left, right = node.op, node.left, node.right
        a, b = _number(left), _number(right)
        if op in ("+", "-", "*", "/", "**", "^") and a is not None and b is not None:
            fn = {"+": add, "-": sub, "*": mul, "/": div}.get(op)
            value = fn(a, b) if fn is not None else go_pow(float(a), float(b))
            return _literal(node.loc, value)
        if op == "+" and isinstance(left, ast.Str) and isinstance(right, ast.Str):
            try:
                return ast.Str(node.loc, add(left.value, right.value))
            except RtError:
                return node  # over orchctl's string budget: left to fail at run time
        if op == "%" and isinstance(left, ast.Int) and isinstance(right, ast.Int):
            if right.value == 0:
                raise CheckError("integer divide by zero", node.loc)
            return ast.Int(node.loc, mod(left.value, right.value))
        if op in ("and", "&&", "or", "||"):
            kept = _fold_and_or(node)
            if kept is not node and not isinstance(kept, ast.Bool):
                kept.loc = node.loc  # patchCopy: the kept side takes the operator's place
            return kept
        if op == "==":
            for kind in (ast.Int, ast.Str, ast.Bool):
                if isinstance(left, kind) and isinstance(right, kind):
                    return ast.Bool(node.loc, left.value == right.value)
        return node


def _fold_and_or(node: ast.Binary) -> ast.Node:
    a = node.left.value if isinstance(node.left, ast.Bool) else None
    b = node.right.value if isinstance(node.right, ast.Bool) else None
    if node.op in ("and", "&&"):
        if a is True:
            return node.right
        if b is True:
            return node.left
        if a is False or b is False:
            return ast.Bool(node.loc, False)
        return node
    if a is False:
        return node.right
    if b is False:
        return node.left
    if a is True or b is True:
        return ast.Bool(node.loc, True)
    return node


def fold(node: ast.Node) -> ast.Node:
    """optimizer.go runs fold.go's walk until it changes nothing (at most 1000 times)."""
    for _ in range(1000):
        walk = _Fold()
        node = walk.visit(node)
        if not walk.applied:
            break
    return node


# --- in_range.go ---


def in_range(node: ast.Node, is_int: IntTyped) -> ast.Node:
    """`x in a..b` of integer literals with x typed int is `x >= a and x <= b` (x twice)."""
    _rewrite(node, lambda n: in_range(n, is_int))
    if (
        isinstance(node, ast.Binary)
        and node.op == "in"
        and is_int(node.left)
        and isinstance(node.right, ast.Binary)
        and node.right.op == ".."
        and isinstance(node.right.left, ast.Int)
        and isinstance(node.right.right, ast.Int)
    ):
        low = ast.Binary(0, ">=", node.left, node.right.left).finish()
        high = ast.Binary(0, "<=", node.left, node.right.right).finish()
        return ast.Binary(node.loc, "and", low, high).finish()
    return node


# --- filter_len.go ---


def filter_len(node: ast.Node) -> ast.Node:
    """`len(filter(a, p))` is `count(a, p)` (a fused map from filter_map.go is dropped)."""
    _rewrite(node, filter_len)
    if (
        isinstance(node, ast.Builtin)
        and node.name == "len"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Builtin)
        and node.args[0].name == "filter"
        and len(node.args[0].args) == 2
    ):
        count = ast.Builtin(node.loc, "count", list(node.args[0].args))
        count.depth = node.depth
        return count
    return node


# --- predicate_combination.go ---

_COMBINED = {
    ("all", "and"): "and",
    ("all", "&&"): "&&",
    ("any", "or"): "or",
    ("any", "||"): "||",
    ("none", "and"): "or",
    ("none", "&&"): "||",
}


def same_tree(a: Any, b: Any) -> bool:
    """Two subtrees that print the same (the pass compares Type() and String())."""
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(same_tree(x, y) for x, y in zip(a, b, strict=True))
        )
    if not isinstance(a, ast.Node) or not isinstance(b, ast.Node):
        return bool(type(a) is type(b) and a == b)
    if type(a) is not type(b):
        return False
    return all(
        same_tree(getattr(a, name, None), getattr(b, name, None))
        for cls in type(a).__mro__
        for name in getattr(cls, "__slots__", ())
        if name not in ("loc", "depth")
    )


def predicate_combination(node: ast.Node) -> ast.Node:
    """`all(x, p) && all(x, q)` is `all(x, p && q)`; `any ... ||` likewise, `none(x, p) &&
    none(x, q)` is `none(x, p || q)`: one loop over x."""
    _rewrite(node, predicate_combination)
    return _combine(node)


def _combine(node: ast.Node) -> ast.Node:
    if not isinstance(node, ast.Binary):
        return node
    left, right = node.left, node.right
    if not (isinstance(left, ast.Builtin) and isinstance(right, ast.Builtin)):
        return node
    op = _COMBINED.get((left.name, node.op))
    if op is None or right.name != left.name or not same_tree(left.args[0], right.args[0]):
        return node
    p, q = left.args[1], right.args[1]
    if not (isinstance(p, ast.Predicate) and isinstance(q, ast.Predicate)):
        return node
    both = _combine(ast.Binary(0, op, p.node, q.node).finish())
    combined = ast.Builtin(node.loc, left.name, [left.args[0], ast.Predicate(0, both).finish()])
    return combined.finish()


# --- sum_map.go ---


def sum_map(node: ast.Node) -> ast.Node:
    """`sum(map(a, q))` is `sum(a, q)`."""
    _rewrite(node, sum_map)
    if (
        isinstance(node, ast.Builtin)
        and node.name == "sum"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Builtin)
        and node.args[0].name == "map"
        and len(node.args[0].args) == 2
    ):
        total = ast.Builtin(node.loc, "sum", list(node.args[0].args))
        return total.finish()
    return node
