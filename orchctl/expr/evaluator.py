"""Compile a checked syntax tree into nested Python closures and run them.

Each node becomes a function ``f(ctx) -> value``; runtime failures raise :class:`RtError` and
the innermost failing node attaches its position. Loops (predicates) spend a step budget and
check a wall-clock deadline, so hostile expressions stop with a clear error.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from orchctl.expr import ast
from orchctl.expr.builtins import (
    IMPLS,
    NO_ELEMENT,
    Unindexed,
    call_value,
    fetch,
    in_op,
    indexed,
    iterate,
    make_range,
    slice_op,
    sort_values,
)
from orchctl.expr.errors import RtError
from orchctl.expr.fold import (
    ConstSet,
    filter_len,
    fold,
    in_array,
    in_range,
    predicate_combination,
    sum_map,
)
from orchctl.expr.gostr import go_bytes, str_op
from orchctl.expr.regex import RegexError, compile_regex
from orchctl.expr.values import (
    GoAnyMap,
    GoIntList,
    GoList,
    GoMap,
    GoNilList,
    GoPairMap,
    GoStrList,
    add,
    assert_type,
    compare,
    div,
    equal,
    is_nil,
    mod,
    mul,
    negate,
    power,
    sub,
    type_name,
    unhashable,
)

MAX_STEPS = 5_000_000
MEMORY_BUDGET = 1_000_000  # conf.DefaultMemoryBudget
# What the Safe builtins report to memGrow (builtin.go), from their result.
_SAFE_SIZES: dict[str, Callable[[Any], int]] = {
    "repeat": lambda result: len(go_bytes(result)),  # len(s) * n
    "reverse": len,
    "concat": len,
    "flatten": len,
    "sort": len,
}
_SIZED = (GoList, GoIntList, GoStrList, str, GoMap, GoAnyMap, GoPairMap)
TIMEOUT_SECONDS = 2.0

Fn = Callable[["Ctx"], Any]
LinkFn = Callable[[Any, str], Any]


class ChainNil(Exception):
    """Internal: an optional member met nil; the enclosing chain evaluates to nil."""


class Ctx:
    __slots__ = ("budget", "deadline", "env", "link", "memory", "slots", "stack")

    def __init__(self, env: dict[str, Any], link: LinkFn | None, nslots: int) -> None:
        self.env = env
        self.link = link
        self.slots: list[Any] = [None] * nslots
        self.budget = MAX_STEPS
        self.memory = 0  # expr's vm.memory: what memGrow has counted so far
        self.deadline = 0.0  # set when the first loop starts
        # Values expr's VM would have left on its stack (see _stacked): empty unless a
        # findLast/findLastIndex ran.
        self.stack: list[Any] = []


def _grow(c: Ctx, size: int, loc: int) -> None:
    """vm.memGrow: OpRange, OpArray, OpMap, OpSort and the Safe builtins count what they
    allocate against conf.DefaultMemoryBudget over the whole run."""
    c.memory += size
    if c.memory >= MEMORY_BUDGET:
        raise RtError("memory budget exceeded", loc)


def _spend(c: Ctx, cost: int, i: int) -> None:
    c.budget -= cost
    if c.budget < 0:
        raise RtError(f"evaluation exceeded its step budget ({MAX_STEPS} steps)")
    if (i & 255) == 0:
        now = time.monotonic()
        if c.deadline == 0.0:
            c.deadline = now + TIMEOUT_SECONDS
        elif now > c.deadline:
            raise RtError(f"evaluation timed out after {TIMEOUT_SECONDS:g}s")


def _count_nodes(node: ast.Node) -> int:
    total = 0
    stack = [node]
    while stack:
        current = stack.pop()
        total += 1
        stack.extend(current.children())
    return total


def _with_loc(fn: Callable[[Ctx], Any], loc: int) -> Fn:
    def guarded(c: Ctx) -> Any:
        try:
            return fn(c)
        except RtError as e:
            if e.loc is None:
                e.loc = loc
            raise

    return guarded


def _need_bool(value: Any) -> RtError:
    return assert_type(value, "bool")


class Compiler:
    def __init__(self, typed_equal: dict[int, str] | None = None) -> None:
        self.typed_equal = typed_equal if typed_equal is not None else {}
        self.nslots = 0
        self.vars: list[tuple[str, int]] = []
        # predicate frames: (element slot, index slot, acc slot)
        self.frames: list[tuple[int, int, int]] = []

    def slot(self) -> int:
        self.nslots += 1
        return self.nslots - 1

    def compile(self, node: ast.Node) -> Fn:
        operands = _stack_operands(node)
        if operands is not None and any(_leaves_stale(n) for n in operands[1:]):
            return self._stacked(node, operands)
        method: Callable[[Any], Fn] = getattr(self, "c_" + type(node).__name__)
        return method(node)

    def c_Slot(self, node: Slot) -> Fn:
        index = node.index
        return lambda c: c.slots[index]

    def c_ConstSet(self, node: ConstSet) -> Fn:  # read by c_Binary's `in` only
        members = node.members
        return lambda c: members

    def c_StackLen(self, node: StackLen) -> Fn:
        length = IMPLS["len"]
        return lambda c: length([c.stack[-1]])

    def _stacked(self, node: ast.Node, operands: list[ast.Node]) -> Fn:
        """A node whose later operands may leave stale values on expr's VM stack.

        expr-lang v1.17.7 compiles findLast and findLastIndex (and last(filter(...)),
        filter(...)[-1], which optimizer/filter_last.go turns into findLast) with
        ``emitLoopBackwards`` (compiler/compiler.go): each iteration runs ``OpGetIndex;
        OpInt 0; OpMoreOrEqual; OpJumpIfFalse end`` and OpJumpIfFalse only peeks
        (vm/vm.go ``vm.current()``), so the ``index >= 0`` bool is never popped: one ``true``
        stays per iteration, and ``false`` when the loop runs out (then OpNil, the result).
        Those values sit beneath the result; an op that pops one value never sees them,
        but one that pops several (OpAdd and the other binary ops, OpFetch, OpSlice,
        OpArray, OpMap, OpCall*) takes them as its first operands: ``[1, findLast([],
        true)]`` is ``[false <nil>]``, ``1 + findLastIndex([1], true)`` is ``true + 0``.

        Here every operand's value is pushed on ``Ctx.stack`` in the VM's push order
        (after whatever stale values it left), the op takes the top ``len(operands)``
        values, and what is left beneath stays on ``Ctx.stack`` for the enclosing node,
        exactly as the VM's pops do. Only nodes whose later operands contain such a loop
        take this path (decided at compile time), so other expressions pay nothing.
        """
        fns = [self.compile(n) for n in operands]
        slots = [self.slot() for _ in operands]
        clone = _with_slots(node, operands, slots)
        if id(node) in self.typed_equal:
            self.typed_equal[id(clone)] = self.typed_equal[id(node)]
        inner = self.compile(clone)
        width = len(fns)
        keys: list[tuple[int, int]] = []
        if isinstance(node, ast.Map):
            keys = [(2 * i, pair.key.loc) for i, pair in enumerate(node.pairs)][::-1]

        def stacked(c: Ctx) -> Any:
            stack = c.stack
            for fn in fns:
                value = fn(c)
                stack.append(value)
            values = stack[-width:]
            del stack[-width:]
            for slot, value in zip(slots, values, strict=True):
                c.slots[slot] = value
            for key, loc in keys:  # OpMap asserts key.(string) from the last pair back
                if values[key].__class__ is not str:
                    raise RtError(assert_type(values[key], "string").msg, loc)
            return inner(c)

        return stacked

    # --- literals & names ---
    def c_Nil(self, node: ast.Nil) -> Fn:
        return lambda c: None

    def _const(self, value: Any) -> Fn:
        def const(c: Ctx) -> Any:
            return value

        return const

    def c_Bool(self, node: ast.Bool) -> Fn:
        return self._const(node.value)

    def c_Int(self, node: ast.Int) -> Fn:
        return self._const(node.value)

    def c_Float(self, node: ast.Float) -> Fn:
        return self._const(node.value)

    def c_Str(self, node: ast.Str) -> Fn:
        return self._const(node.value)

    def c_Ident(self, node: ast.Ident) -> Fn:
        name = node.name
        for var_name, index in reversed(self.vars):
            if var_name == name:
                return lambda c: c.slots[index]
        if name == "$env":
            return lambda c: c.env

        def env_lookup(c: Ctx) -> Any:
            value = c.env.get(name)
            if value.__class__ is int:
                return float(value)
            return value

        return env_lookup

    def c_Pointer(self, node: ast.Pointer) -> Fn:
        elem, index, acc = self.frames[-1]
        if node.name == "":
            loc = node.loc

            def element(c: Ctx) -> Any:
                value = c.slots[elem]
                if value.__class__ is Unindexed:
                    raise RtError(value.message, loc)  # OpPointer indexes the array here
                return value

            return element
        if node.name == "":
            target = elem
        elif node.name == "index":
            target = index
        else:
            target = acc
        return lambda c: c.slots[target]

    # --- operators ---
    def c_Unary(self, node: ast.Unary) -> Fn:
        operand = self.compile(node.node)
        loc = node.loc
        if node.op in ("!", "not"):

            def not_(c: Ctx) -> Any:
                v = operand(c)
                if v is True:
                    return False
                if v is False:
                    return True
                raise RtError(_need_bool(v).msg, loc)

            return not_
        if node.op == "-":
            return _with_loc(lambda c: negate(operand(c)), loc)
        return operand

    def c_Binary(self, node: ast.Binary) -> Fn:
        op = node.op
        left = self.compile(node.left)
        right = self.compile(node.right)
        loc = node.loc
        if op in ("&&", "and"):

            def and_(c: Ctx) -> Any:
                v = left(c)
                if v is True:
                    return right(c)
                if v is False:
                    return False
                raise RtError(_need_bool(v).msg, loc)

            return and_
        if op in ("||", "or"):

            def or_(c: Ctx) -> Any:
                v = left(c)
                if v is True:
                    return True
                if v is False:
                    return right(c)
                raise RtError(_need_bool(v).msg, loc)

            return or_
        if op in ("==", "!="):
            return self._equality(node, left, right)
        if op in ("<", ">", "<=", ">="):
            return self._comparison(op, left, right, loc)
        if op == "??":

            def coalesce(c: Ctx) -> Any:
                v = left(c)
                return right(c) if v is None or v.__class__ is GoNilList else v  # IsNil

            return coalesce
        if op == "matches":
            return self._matches(node, left, right)
        if op in ("contains", "startsWith", "endsWith"):
            return self._string_op(op, left, right, loc)
        binary: dict[str, Callable[[Any, Any], Any]] = {
            "+": add,
            "-": sub,
            "*": mul,
            "/": div,
            "%": mod,
            "**": power,
            "^": power,
            "..": make_range,
            "in": in_op,
        }
        fn = binary[op]
        right_node = node.right
        if op == "in" and isinstance(right_node, ConstSet):
            # expr's optimizer (in_array) turns `x in ["a", "b"]` (`x in [1, 2]` for an int x)
            # into a lookup in a map[string]struct{} (map[int]struct{}): nil looks up the
            # zero key, any other needle of another type fails as reflect's MapIndex.
            members = right_node.members
            key, zero = (int, 0) if right_node.of_int else (str, "")
            key_name = "int" if right_node.of_int else "string"

            def in_set(c: Ctx) -> bool:
                needle = left(c)
                if needle is None:
                    return zero in members
                if needle.__class__ is key:
                    return needle in members
                raise RtError(
                    f"reflect.Value.MapIndex: value of type {type_name(needle)} is not "
                    f"assignable to type {key_name}",
                    loc,
                )

            return in_set
        if op == "..":

            def range_(c: Ctx) -> Any:
                try:
                    result = make_range(left(c), right(c))
                    _grow(c, len(result), loc)
                    _spend(c, (len(result) >> 1) + 1, 0)
                    return result
                except RtError as e:
                    if e.loc is None:
                        e.loc = loc
                    raise

            return range_

        def arith(c: Ctx) -> Any:
            try:
                return fn(left(c), right(c))
            except RtError as e:
                if e.loc is None:
                    e.loc = loc
                raise

        return arith

    def _equality(self, node: ast.Binary, left: Fn, right: Fn) -> Fn:
        negated = node.op == "!="
        kind = self.typed_equal.get(id(node))
        if kind is not None:
            # OpEqualInt / OpEqualString: `a.(int) == b.(int)`, so a nil (findIndex found
            # nothing) or a stale findLast bool fails as Go's type assertion does
            want: type = int if kind == "int" else str
            loc = node.loc

            def eq_typed(c: Ctx) -> bool:
                a = left(c)
                b = right(c)
                for v in (a, b):
                    if v.__class__ is not want:
                        raise RtError(assert_type(v, kind).msg, loc)
                return bool(a != b) if negated else bool(a == b)

            return eq_typed
        if isinstance(node.right, ast.Str):
            const = node.right.value
            if negated:
                return lambda c: left(c) != const
            return lambda c: left(c) == const
        if isinstance(node.right, ast.Int | ast.Float):
            number = node.right.value

            def eq_number(c: Ctx) -> bool:
                v = left(c)
                t = v.__class__
                if t is number.__class__:
                    result = bool(v == number)
                else:  # Go converts an int compared with a float64
                    result = (
                        float(v) == float(number) if t is float or t is int else equal(v, number)
                    )
                return not result if negated else result

            return eq_number

        def eq(c: Ctx) -> bool:
            result = equal(left(c), right(c))
            return not result if negated else result

        return _with_loc(eq, node.loc)

    def _comparison(self, op: str, left: Fn, right: Fn, loc: int) -> Fn:
        def cmp(c: Ctx) -> bool:
            a = left(c)
            b = right(c)
            ta = a.__class__
            tb = b.__class__
            if (ta is float or ta is int) and (tb is float or tb is int):
                if ta is not tb:
                    a, b = float(a), float(b)  # Go converts the int: float64(x) < y
                if op == "<":
                    return bool(a < b)
                if op == ">":
                    return bool(a > b)
                if op == "<=":
                    return bool(a <= b)
                return bool(a >= b)
            try:
                return compare(op, a, b)
            except RtError as e:
                e.loc = loc
                raise

        return cmp

    def _matches(self, node: ast.Binary, left: Fn, right: Fn) -> Fn:
        loc = node.loc
        if isinstance(node.right, ast.Str):
            pattern = compile_regex(node.right.value)

            def match_const(c: Ctx) -> bool:
                v = left(c)
                if v.__class__ is str:
                    return pattern.search(v)
                if v is None or v.__class__ is GoNilList:
                    return False
                # expr matches a constant pattern against the bytes of a string
                raise RtError(
                    f"interface conversion: interface {{}} is {type_name(v)}, not []uint8", loc
                )

            return match_const

        def match(c: Ctx) -> bool:
            v = left(c)
            p = right(c)
            if is_nil(v) or is_nil(p):
                return False
            # OpMatches asserts the pattern first: regexp.Match(b.(string), a.([]byte))
            if p.__class__ is not str:
                raise RtError(assert_type(p, "string").msg, loc)
            if v.__class__ is not str:
                raise RtError(
                    f"interface conversion: interface {{}} is {type_name(v)}, not []uint8", loc
                )
            try:
                return compile_regex(p).search(v)
            except RegexError as exc:
                raise RtError(str(exc), loc) from None

        return match

    def _string_op(self, op: str, left: Fn, right: Fn, loc: int) -> Fn:
        def string_op(c: Ctx) -> bool:
            a = left(c)
            b = right(c)
            if a.__class__ is str and b.__class__ is str:
                if not (a.isascii() and b.isascii()):
                    return str_op(op, a, b)
                if op == "contains":
                    return b in a
                if op == "startsWith":
                    return a.startswith(b)
                return a.endswith(b)
            if is_nil(a) or is_nil(b):
                return False
            bad = a if a.__class__ is not str else b
            raise RtError(assert_type(bad, "string").msg, loc)

        return string_op

    # --- members ---
    def c_Chain(self, node: ast.Chain) -> Fn:
        inner = self.compile(node.node)

        def chain(c: Ctx) -> Any:
            try:
                v = inner(c)
            except ChainNil:
                return None
            # compiler.go ChainNode: "otherwise typed nil will be used as a result of the chain"
            return None if v.__class__ is GoNilList else v

        return chain

    def c_Member(self, node: ast.Member) -> Fn:
        base = self.compile(node.node)
        loc = node.loc
        optional = node.optional
        if isinstance(node.prop, ast.Str):
            name = node.prop.value

            def member_const(c: Ctx) -> Any:
                b = base(c)
                if b.__class__ is dict:
                    v = b.get(name)
                    if v.__class__ is int:
                        return float(v)
                    return v
                if optional and is_nil(b):
                    raise ChainNil
                try:
                    return fetch(b, name)
                except RtError as e:
                    e.loc = loc
                    raise

            return member_const
        prop = self.compile(node.prop)

        def member(c: Ctx) -> Any:
            b = base(c)
            if optional and is_nil(b):
                raise ChainNil
            p = prop(c)
            try:
                return fetch(b, p)
            except RtError as e:
                e.loc = loc
                raise

        return member

    def c_Slice(self, node: ast.Slice) -> Fn:
        base = self.compile(node.node)
        start = self.compile(node.from_) if node.from_ is not None else None
        end = self.compile(node.to) if node.to is not None else None

        def slice_(c: Ctx) -> Any:
            b = base(c)
            a = start(c) if start is not None else None
            z = end(c) if end is not None else None
            return slice_op(b, a, z)

        return _with_loc(slice_, node.loc)

    def c_Call(self, node: ast.Call) -> Fn:
        args = [self.compile(arg) for arg in node.args]
        loc = node.loc
        callee = node.callee
        if isinstance(callee, ast.Ident) and all(n != callee.name for n, _ in self.vars):
            name = callee.name
            if name == "link":

                def call_link(c: Ctx) -> Any:
                    values = [a(c) for a in args]
                    rel = values[1] if len(values) > 1 else None
                    if c.link is None:
                        raise RtError(
                            f"link(): no linked resource {rel!r} provided (no link resolver "
                            "was given to evaluate this expression)",
                            loc,
                        )
                    try:
                        return c.link(values[0], rel)  # type: ignore[arg-type]
                    except RtError:
                        raise
                    except Exception as exc:
                        message = getattr(exc, "message", None) or str(exc)
                        if not message.startswith("link():"):
                            message = f"link(): {message}"
                        raise RtError(message, loc) from None

                return call_link

            env_fn = self.c_Ident(callee)

            def call_env(c: Ctx) -> Any:
                fn = env_fn(c)
                values = [a(c) for a in args]
                try:
                    return call_value(fn, values)
                except RtError as e:
                    e.loc = loc
                    raise

            return call_env
        if isinstance(callee, ast.Member):
            base = self.compile(callee.node)
            prop = self.compile(callee.prop)
            optional = callee.optional

            def call_method(c: Ctx) -> Any:
                b = base(c)
                if optional and is_nil(b):
                    raise ChainNil
                try:
                    fn = fetch(b, prop(c))
                    values = [a(c) for a in args]
                    return call_value(fn, values)
                except RtError as e:
                    if e.loc is None:
                        e.loc = loc
                    raise

            return call_method
        target = self.compile(callee)
        return _with_loc(lambda c: call_value(target(c), [a(c) for a in args]), loc)

    # --- structure ---
    def c_Let(self, node: ast.Let) -> Fn:
        value = self.compile(node.value)
        index = self.slot()
        self.vars.append((node.name, index))
        try:
            body = self.compile(node.body)
        finally:
            self.vars.pop()

        def let(c: Ctx) -> Any:
            c.slots[index] = value(c)
            return body(c)

        return let

    def c_Cond(self, node: ast.Cond) -> Fn:
        cond = self.compile(node.cond)
        exp1 = self.compile(node.exp1)
        exp2 = self.compile(node.exp2)
        loc = node.cond.loc

        def conditional(c: Ctx) -> Any:
            v = cond(c)
            if v is True:
                return exp1(c)
            if v is False:
                return exp2(c)
            raise RtError(_need_bool(v).msg, loc)

        return conditional

    def c_Sequence(self, node: ast.Sequence) -> Fn:
        parts = [self.compile(n) for n in node.nodes]

        def sequence(c: Ctx) -> Any:
            result = None
            for part in parts:
                result = part(c)
            return result

        return sequence

    def c_Array(self, node: ast.Array) -> Fn:
        items = [self.compile(n) for n in node.nodes]
        if all(isinstance(n, ast.Int | ast.Float | ast.Str | ast.Bool) for n in node.nodes):
            return lambda c: GoList([item(c) for item in items])  # fold.go's constant
        size, loc = len(items), node.loc

        def array(c: Ctx) -> GoList:
            values = GoList([item(c) for item in items])
            _grow(c, size, loc)  # OpArray
            return values

        return array

    def c_Map(self, node: ast.Map) -> Fn:
        pairs = [(self.compile(p.key), self.compile(p.value), p.key.loc) for p in node.pairs]

        size, at = len(pairs), node.loc

        def map_(c: Ctx) -> GoMap:
            # OpMap: every pair is pushed first, then memGrow, then the pairs are popped from
            # the last one back, each key asserted a string (so the first duplicate wins).
            values = [(key_fn(c), value_fn(c), loc) for key_fn, value_fn, loc in pairs]
            _grow(c, size, at)
            out = GoMap()
            for key, value, loc in reversed(values):
                if key.__class__ is not str:
                    raise RtError(assert_type(key, "string").msg, loc)
                out[key] = value
            return GoMap(reversed(out.items())) if size > 1 else out

        return map_

    def c_Pair(self, node: ast.Pair) -> Fn:  # pragma: no cover - handled by c_Map
        raise NotImplementedError

    def c_Predicate(self, node: ast.Predicate) -> Fn:
        return self.compile(node.node)

    # --- builtins ---
    def c_Builtin(self, node: ast.Builtin) -> Fn:
        name = node.name
        if name in _LOOPS:
            return self._loop(node)
        args = [self.compile(arg) for arg in node.args]
        impl = IMPLS[name]
        loc = node.loc

        safe_size = _SAFE_SIZES.get(name)

        def call_builtin(c: Ctx) -> Any:
            values = [a(c) for a in args]
            try:
                result = impl(values)
                if safe_size is not None:
                    _grow(c, safe_size(result), loc)  # OpCallSafe
                if result.__class__ in _SIZED and len(result) > 64:
                    _spend(c, len(result) >> 2, 0)
                return result
            except RtError as e:
                if e.loc is None:
                    e.loc = loc
                raise

        return call_builtin

    def _loop(self, node: ast.Builtin) -> Fn:
        name = node.name
        loc = node.loc
        collection = self.compile(node.args[0])
        elem, index, acc = self.slot(), self.slot(), self.slot()
        self.frames.append((elem, index, acc))
        try:
            body = self.compile(node.args[1]) if len(node.args) > 1 else None
        finally:
            self.frames.pop()
        extra: Fn | None = None
        first = self.slot()
        if node.mapped is not None:  # filter_map's Map, passed where the others take extra
            self.frames.append((elem, index, acc))
            try:
                extra = self.compile(node.mapped)
            finally:
                self.frames.pop()
        elif len(node.args) > 2:
            # reduce's initial value and sortBy's order are compiled after OpBegin
            # (compiler.go): their `#` is this loop's first element (OpPointer at index 0),
            # `#index` 0 and `#acc` nil, whatever predicate encloses the call.
            self.frames.append((first, index, acc))
            try:
                extra = self.compile(node.args[2])
            finally:
                self.frames.pop()
        cost = _count_nodes(node.args[1]) + 1 if len(node.args) > 1 else 1
        throws = node.throws
        run = _LOOPS[name]
        stale = node.args[1:2] if node.mapped is None else [node.args[1], node.mapped]
        if name in ("map", "filter") and body is not None and any(map(_leaves_stale, stale)):
            run = _stacked_map if name == "map" else _stacked_filter

        grows = name in ("map", "filter", "sortBy")  # OpArray after the loop, OpSort

        def loop(c: Ctx) -> Any:
            try:
                items = iterate(collection(c))
                if extra is not None and node.mapped is None:
                    slots = c.slots
                    slots[first] = items[0] if items else NO_ELEMENT
                    slots[index] = 0
                    slots[acc] = None
                result = run(c, items, body, extra, elem, index, acc, cost, throws)
                if grows:
                    _grow(c, len(items) if name == "sortBy" else len(result), loc)
                return result
            except RtError as e:
                if e.loc is None:
                    e.loc = loc
                raise

        return loop


# --- predicate builtins: (ctx, items, body, extra, elem, index, acc, cost, throws) ---
LoopFn = Callable[[Ctx, list[Any], Fn | None, Fn | None, int, int, int, int, bool], Any]


def _tick(c: Ctx, i: int) -> None:
    """Budget exhausted or a periodic deadline check (every 256 iterations)."""
    if c.budget < 0:
        raise RtError(f"evaluation exceeded its step budget ({MAX_STEPS} steps)")
    now = time.monotonic()
    if c.deadline == 0.0:
        c.deadline = now + TIMEOUT_SECONDS
    elif now > c.deadline:
        raise RtError(f"evaluation timed out after {TIMEOUT_SECONDS:g}s")


def _scan(
    c: Ctx, items: list[Any], body: Fn | None, elem: int, index: int, cost: int, stop: bool
) -> tuple[int, Any]:
    """Evaluate the predicate per item until its result is ``stop``; (index or -1, item)."""
    slots = c.slots
    for i, item in enumerate(items):
        c.budget -= cost
        if c.budget < 0 or not (i & 255):
            _tick(c, i)
        slots[elem] = item
        slots[index] = i
        r = body(c) if body is not None else indexed(item)
        if r is stop:
            return i, item
        if r is not (not stop):
            raise _need_bool(r)
    return -1, None


def _all(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> bool:
    return _scan(c, items, body, elem, index, cost, False)[0] < 0


def _any(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> bool:
    return _scan(c, items, body, elem, index, cost, True)[0] >= 0


def _none(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> bool:
    return _scan(c, items, body, elem, index, cost, True)[0] < 0


def _find(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> Any:
    found, item = _scan(c, items, body, elem, index, cost, True)
    if found < 0:
        if throws:
            raise RtError("reflect: slice index out of range", wrapped=True)
        return None
    return indexed(item) if extra is None else extra(c)


def _find_index(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> int | None:
    found = _scan(c, items, body, elem, index, cost, True)[0]
    return None if found < 0 else found  # expr answers nil, not -1, when nothing matches


def _each(c: Ctx, items: list[Any], body: Fn | None, elem: int, index: int, cost: int) -> list[Any]:
    """The predicate's result for every item."""
    slots = c.slots
    out = []
    for i, item in enumerate(items):
        c.budget -= cost
        if c.budget < 0 or not (i & 255):
            _tick(c, i)
        slots[elem] = item
        slots[index] = i
        out.append(body(c) if body is not None else indexed(item))
    return out


def _bool(value: Any) -> bool:
    if value is True:
        return True
    if value is False:
        return False
    raise _need_bool(value)


def _one(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> bool:
    return sum(1 for r in _each(c, items, body, elem, index, cost) if _bool(r)) == 1


def _filter(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoList:
    slots = c.slots
    out = GoList()
    for i, item in enumerate(items):
        _spend(c, cost, i)
        slots[elem] = item
        slots[index] = i
        if _bool(body(c) if body is not None else indexed(item)):
            # OpPointer of a kept item (or filter_map's Map), before the next predicate
            out.append(indexed(item) if extra is None else extra(c))
    return out


def _map(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoList:
    return GoList(_each(c, items, body, elem, index, cost))


def _count(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> int:
    return sum(1 for r in _each(c, items, body, elem, index, cost) if _bool(r))


def _sum(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> Any:
    total: Any = 0
    for r in _each(c, items, body, elem, index, cost):
        total = add(r, total)  # expr adds the running total to the item: "string + int"
    return total


def _find_last(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> Any:
    slots = c.slots
    stack = c.stack
    for i in range(len(items) - 1, -1, -1):
        _spend(c, cost, i)
        stack.append(True)  # emitLoopBackwards never pops `index >= 0` (see _stacked)
        slots[elem] = items[i]
        slots[index] = i
        if _bool(body(c) if body is not None else items[i]):
            return indexed(items[i]) if extra is None else extra(c)
    stack.append(False)
    if throws:
        raise RtError("reflect: slice index out of range", wrapped=True)
    return None


def _find_last_index(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> int | None:
    slots = c.slots
    stack = c.stack
    for i in range(len(items) - 1, -1, -1):
        _spend(c, cost, i)
        stack.append(True)  # emitLoopBackwards never pops `index >= 0` (see _stacked)
        slots[elem] = items[i]
        slots[index] = i
        if _bool(body(c) if body is not None else items[i]):
            return i
    stack.append(False)
    return None  # expr answers nil, not -1, when nothing matches


def _group_by(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoAnyMap:
    groups = GoAnyMap()
    if items and items[0].__class__ is Unindexed:  # OpGroupBy reads the item after its key
        _each(c, items[:1], body, elem, index, cost)
        indexed(items[0])
    for item, key in zip(items, _each(c, items, body, elem, index, cost), strict=True):
        try:
            bucket = groups.group(key)  # Go keeps the latest key stored (-0.0 after 0.0)
        except TypeError:
            raise unhashable(key, groups) from None
        bucket.append(indexed(item))
    return groups


def _sort_by(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoList:
    # OpCreate 2 takes the order before the loop and panics with its own text (vm.go).
    order = extra(c) if extra is not None else "asc"
    if type(order) is not str:
        raise assert_type(order, "string")
    if order not in ("asc", "desc"):
        raise RtError("unknown order, use asc or desc")
    if items and items[0].__class__ is Unindexed:  # OpSortBy reads the item after its key
        _each(c, items[:1], body, elem, index, cost)
        indexed(items[0])
    keys = _each(c, items, body, elem, index, cost)
    _spend(c, len(items) * max(1, len(items).bit_length()), 1)
    return sort_values(list(items), order, keys=keys)


def _reduce(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> Any:
    slots = c.slots
    start = 0
    if extra is not None:
        slots[acc] = extra(c)
    else:
        if not items:
            raise RtError("reduce of empty array with no initial value")
        slots[acc] = indexed(items[0])
        start = 1
    assert body is not None
    for i in range(start, len(items)):
        _spend(c, cost, i)
        slots[elem] = items[i]
        slots[index] = i
        slots[acc] = body(c)
    return slots[acc]


_LOOPS: dict[str, LoopFn] = {
    "all": _all,
    "any": _any,
    "none": _none,
    "one": _one,
    "filter": _filter,
    "map": _map,
    "count": _count,
    "sum": _sum,
    "find": _find,
    "findIndex": _find_index,
    "findLast": _find_last,
    "findLastIndex": _find_last_index,
    "groupBy": _group_by,
    "sortBy": _sort_by,
    "reduce": _reduce,
}


def _rewrite_children(node: ast.Node, rewrite: Callable[[ast.Node], ast.Node]) -> None:
    """Replace each child node of `node` (and each node in a child list) by its rewrite:
    the bottom-up walk of expr's optimizer passes."""
    for name in node.__slots__:
        child = getattr(node, name, None)
        if isinstance(child, ast.Node):
            setattr(node, name, rewrite(child))
        elif isinstance(child, list):
            for i, item in enumerate(child):
                if isinstance(item, ast.Node):
                    child[i] = rewrite(item)


_NUMERIC = ("int", "float")


def _literal_kind(node: ast.Node) -> str | None:
    """The literal fold.go folds ``node`` to ("int", "float", "string", "bool"), or None."""
    if isinstance(node, ast.Int):
        return "int"
    if isinstance(node, ast.Float):
        return "float"
    if isinstance(node, ast.Str):
        return "string"
    if isinstance(node, ast.Bool):
        return "bool"
    if isinstance(node, ast.Unary):
        kind = _literal_kind(node.node)
        if node.op in ("-", "+"):
            return kind if kind in _NUMERIC else None
        return "bool" if node.op in ("!", "not") and kind == "bool" else None
    if not isinstance(node, ast.Binary):
        return None
    a, b = _literal_kind(node.left), _literal_kind(node.right)
    if a is None or b is None:
        return None
    op = node.op
    if op == "+" and a == b == "string":
        return "string"
    if op in ("+", "-", "*") and a in _NUMERIC and b in _NUMERIC:
        return "int" if a == b == "int" else "float"
    if op in ("/", "**", "^") and a in _NUMERIC and b in _NUMERIC:
        return "float"
    if op == "%" and a == b == "int":
        return "int"
    if op == "==" and a == b and a != "float":
        return "bool"
    return None


def _sum_array_fold(nodes: list[ast.Node], loc: int) -> ast.Binary:
    """optimizer/sum_array.go's sumArrayFold: nodes[0] + (nodes[1] + (...)). Only the outer
    addition takes sum's place (Patch); the inner ones have expr's zero location."""
    right = nodes[-1]
    for left in reversed(nodes[1:-1]):
        right = ast.Binary(0, "+", left, right).finish()
    return ast.Binary(loc, "+", nodes[0], right).finish()


def _sum_array(node: ast.Node) -> ast.Node:
    """``sum([a, b, c])`` of an array literal fold.go did not make a constant is additions."""
    _rewrite_children(node, _sum_array)
    if (
        isinstance(node, ast.Builtin)
        and node.name == "sum"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Array)
        and len(node.args[0].nodes) >= 2
        and any(_literal_kind(n) is None for n in node.args[0].nodes)
    ):
        return _sum_array_fold(node.args[0].nodes, node.loc)
    return node


def _reads_index(node: ast.Node) -> bool:
    if isinstance(node, ast.Pointer) and node.name == "index":
        return True
    for name in node.__slots__:
        child = getattr(node, name, None)
        kids = child if isinstance(child, list) else [child]
        if any(isinstance(k, ast.Node) and _reads_index(k) for k in kids):
            return True
    return False


def _filter_map(node: ast.Node) -> ast.Node:
    """optimizer/filter_map.go: map(filter(a, p), q) without `#index` in q is one loop, a
    filter yielding q for each match (so a map's elements are never indexed)."""
    _rewrite_children(node, _filter_map)
    if not (isinstance(node, ast.Builtin) and node.name == "map" and len(node.args) == 2):
        return node
    target, mapped = node.args
    if (
        isinstance(mapped, ast.Predicate)
        and not _reads_index(mapped)
        and isinstance(target, ast.Builtin)
        and target.name == "filter"
        and len(target.args) == 2
        and target.mapped is None
    ):
        fused = ast.Builtin(node.loc, "filter", list(target.args))
        fused.mapped = mapped.node
        fused.depth = node.depth
        return fused
    return node


def _filter_filter(node: ast.Node) -> ast.Node:
    """fold.go: filter(filter(a, p), q) is filter(a, p && q), the `&&` at expr's zero
    location (then folded with the rest, so filter(filter(a, true), q) is filter(a, q))."""
    _rewrite_children(node, _filter_filter)
    if not (isinstance(node, ast.Builtin) and node.name == "filter" and len(node.args) == 2):
        return node
    base, outer = node.args
    if (
        isinstance(base, ast.Builtin)
        and base.name == "filter"
        and len(base.args) == 2
        and isinstance(base.args[1], ast.Predicate)
        and isinstance(outer, ast.Predicate)
    ):
        both = ast.Binary(0, "&&", base.args[1].node, outer.node).finish()
        fused = ast.Builtin(node.loc, "filter", [base.args[0], ast.Predicate(0, both).finish()])
        fused.depth = node.depth
        return fused
    return node


def optimize(node: ast.Node, is_int: Callable[[ast.Node], bool] = lambda n: False) -> ast.Node:
    """expr's optimizer rewrites that change observable behaviour (filter()[0] -> find), in
    optimizer.go's order; ``is_int`` tells the nodes the checker typed int.

    Passes that rewrite only what a tree does not hold are skipped (the tree is walked once
    to know): without an `in`, in_array and in_range change nothing, and without a builtin
    call every pass but fold.go's changes nothing (they rewrite builtin calls, and fold.go
    makes none). Most filters are comparisons of fields joined by `&&`."""
    has_in, has_builtin = _holds_in_and_builtins(node)
    if has_in:
        node = in_array(node, is_int)
    if not has_builtin:
        node = fold(node)
        return in_range(node, is_int) if has_in else node
    node = fold(_filter_filter(node))
    if has_in:
        node = in_range(node, is_int)
    node = _filter_map(node)
    node = filter_len(node)
    _first_last_of_filter(node)
    stack = [node]
    while stack:
        current = stack.pop()
        for name in current.__slots__:
            child = getattr(current, name, None)
            if isinstance(child, ast.Member):
                replacement = _filter_index(child)
                if replacement is not None:
                    setattr(current, name, replacement)
                    child = replacement
            if isinstance(child, ast.Node):
                stack.append(child)
            elif isinstance(child, list):
                for i, item in enumerate(child):
                    if isinstance(item, ast.Member):
                        replacement = _filter_index(item)
                        if replacement is not None:
                            child[i] = replacement
                            item = replacement
                    if isinstance(item, ast.Node):
                        stack.append(item)
    if isinstance(node, ast.Member):
        replacement = _filter_index(node)
        if replacement is not None:
            node = replacement
    node = predicate_combination(node)
    return sum_map(_sum_array(node))  # after filter_last/filter_first, as optimizer.go has it


def _holds_in_and_builtins(root: ast.Node) -> tuple[bool, bool]:
    """Whether the tree holds an `in` operation, and a builtin call."""
    has_in = has_builtin = False
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Builtin):
            has_builtin = True
        elif isinstance(node, ast.Binary) and node.op == "in":
            has_in = True
        if has_in and has_builtin:
            break
        for name in node.__slots__:
            child = getattr(node, name, None)
            if isinstance(child, ast.Node):
                stack.append(child)
            elif isinstance(child, list):
                stack.extend(item for item in child if isinstance(item, ast.Node))
    return has_in, has_builtin


def _first_last_of_filter(node: ast.Node) -> None:
    """expr's filter_first/filter_last: first(filter(a, p)) is find(a, p), last(...) findLast."""
    for name in node.__slots__:
        child = getattr(node, name, None)
        kids = child if isinstance(child, list) else [child]
        for kid in kids:
            if isinstance(kid, ast.Node):
                _first_last_of_filter(kid)
    if not (isinstance(node, ast.Builtin) and node.name in ("first", "last") and node.args):
        return
    target = node.args[0]
    if isinstance(target, ast.Builtin) and target.name == "filter" and len(target.args) == 2:
        node.name = "find" if node.name == "first" else "findLast"
        node.args = list(target.args)
        node.mapped = target.mapped


def _filter_index(node: ast.Member) -> ast.Node | None:
    target = node.node
    if not (isinstance(target, ast.Builtin) and target.name == "filter" and len(target.args) == 2):
        return None
    prop = node.prop
    value: int | None = None
    if isinstance(prop, ast.Int):
        value = prop.value
    elif isinstance(prop, ast.Unary) and prop.op == "-" and isinstance(prop.node, ast.Int):
        value = -prop.node.value
    if value not in (0, -1):
        return None
    found = ast.Builtin(node.loc, "find" if value == 0 else "findLast", list(target.args))
    found.throws = True
    found.mapped = target.mapped
    found.depth = node.depth
    return found


# --- expr's VM stack, where findLast leaves stale values (see Compiler._stacked) ---


class Slot(ast.Node):
    """Internal: an operand already evaluated by :meth:`Compiler._stacked`."""

    __slots__ = ("index",)

    def __init__(self, loc: int, index: int) -> None:
        super().__init__(loc)
        self.index = index


class StackLen(ast.Node):
    """Internal: a slice's missing upper bound, OpLen of the value on top of the VM stack."""

    __slots__ = ()


_STALE_SOURCES = ("findLast", "findLastIndex")
_CONTROL = ("&&", "and", "||", "or", "??")


def _leaves_stale(node: ast.Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Builtin) and current.name in _STALE_SOURCES:
            return True
        stack.extend(current.children())
    return False


def _stack_operands(node: ast.Node) -> list[ast.Node] | None:
    """The operands one VM op pops together, in push order (compiler/compiler.go); or None."""
    if isinstance(node, ast.Binary):
        if node.op in _CONTROL:
            return None  # jumps and one pop: stale values stay beneath, nothing to emulate
        if node.op == "matches" and isinstance(node.right, ast.Str):
            return None  # OpMatchesConst pops one value
        return [node.left, node.right]
    if isinstance(node, ast.Array):
        return list(node.nodes) or None
    if isinstance(node, ast.Map):
        return [part for pair in node.pairs for part in (pair.key, pair.value)] or None
    if isinstance(node, ast.Builtin) and node.name not in _LOOPS and len(node.args) > 1:
        return list(node.args)
    if isinstance(node, ast.Member) and not node.optional and not isinstance(node.prop, ast.Str):
        return [node.node, node.prop]
    if isinstance(node, ast.Slice) and (node.to is not None or node.from_ is not None):
        # SliceNode: node, then `to` (or OpLen), then `from` (or 0); OpSlice pops three
        to = node.to if node.to is not None else StackLen(node.loc)  # OpLen of the top
        return [n for n in (node.node, to, node.from_) if n is not None]
    return None


def _with_slots(node: ast.Node, operands: list[ast.Node], slots: list[int]) -> ast.Node:
    """A copy of ``node`` whose operands read the values :meth:`Compiler._stacked` set."""
    by_id = {id(n): Slot(n.loc, s) for n, s in zip(operands, slots, strict=True)}

    def sub(n: ast.Node | None) -> Any:
        return by_id.get(id(n), n) if n is not None else None

    clone = copy.copy(node)
    if isinstance(clone, ast.Binary):
        clone.left, clone.right = sub(clone.left), sub(clone.right)
    elif isinstance(clone, ast.Array):
        clone.nodes = [sub(n) for n in clone.nodes]
    elif isinstance(clone, ast.Map):
        pairs = []
        for pair in clone.pairs:
            twin = copy.copy(pair)
            twin.key, twin.value = sub(pair.key), sub(pair.value)
            pairs.append(twin)
        clone.pairs = pairs
    elif isinstance(clone, ast.Builtin):
        clone.args = [sub(n) for n in clone.args]
    elif isinstance(clone, ast.Member):
        clone.node, clone.prop = sub(clone.node), sub(clone.prop)
    elif isinstance(clone, ast.Slice):
        to = clone.to if clone.to is not None else operands[1]
        clone.node, clone.to, clone.from_ = sub(clone.node), sub(to), sub(clone.from_)
    return clone


def _stacked_map(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoList:
    """map() whose predicate leaves stale VM values: each result is pushed after them and
    OpArray pops the top len(items) (compiler.go "map": OpGetLen; OpEnd; OpArray)."""
    stack = c.stack
    slots = c.slots
    assert body is not None
    for i, item in enumerate(items):
        _spend(c, cost, i)
        slots[elem] = item
        slots[index] = i
        stack.append(body(c))  # after the stale values this iteration's body left
    return _pop_array(stack, len(items))


def _stacked_filter(
    c: Ctx,
    items: list[Any],
    body: Fn | None,
    extra: Fn | None,
    elem: int,
    index: int,
    acc: int,
    cost: int,
    throws: bool,
) -> GoList:
    """filter() whose predicate leaves stale VM values: a kept item is pushed (OpPointer)
    after them and OpArray pops the top count (compiler.go "filter": OpGetCount; OpArray)."""
    stack = c.stack
    slots = c.slots
    count = 0
    for i, item in enumerate(items):
        _spend(c, cost, i)
        slots[elem] = item
        slots[index] = i
        assert body is not None
        if _bool(body(c)):
            stack.append(indexed(item) if extra is None else extra(c))
            count += 1
    return _pop_array(stack, count)


def _pop_array(stack: list[Any], size: int) -> GoList:
    if not size:
        return GoList()
    values = GoList(stack[-size:])
    del stack[-size:]
    return values
