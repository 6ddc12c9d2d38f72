"""Compile-time checks expr-lang performs with no environment (literal types, builtin arity).

Identifiers from the environment have an unknown type (``interface {}``), so only what the
literals and builtins reveal is checked, as expr's checker does when Formance compiles a
filter or var without an env.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchctl.expr import ast
from orchctl.expr.parser import BUILTIN_NAMES
from orchctl.expr.regex import RegexError, compile_regex

FUNCTIONS = frozenset({"link"})


@dataclass(frozen=True)
class T:
    kind: str  # unknown nil int float bool string array map func time duration location
    elem: T | None = None
    #: How expr prints the type when it differs from the kind's default: an "unknown" is
    #: either expr's Nature{} (no type: "unknown") or a value typed interface{} (the element
    #: of []interface {}, the value of map[string]interface {}).
    shown: str = field(default="", compare=False)

    def __str__(self) -> str:
        k = self.kind
        if self.shown:
            return self.shown
        if k == "unknown":
            return "unknown"
        if k == "nil":
            return "unknown"  # expr v1.17's Nature of nil has no reflect.Type
        if k == "float":
            return "float64"
        if k == "array":
            # expr types literals, ranges and map() results by their elements but prints
            # them as []interface {}; a builtin's real []string etc. carries `shown`.
            return "[]interface {}"
        if k == "map":
            return "map[string]interface {}"
        if k == "anymap":
            return "map[interface {}][]interface {}"
        if k == "time":
            return "time.Time"
        if k == "duration":
            return "time.Duration"
        if k == "location":
            return "*time.Location"
        if k == "func":
            return "func"
        return k


def _s(t: T) -> str:
    """A type as builtins' Validate prints it (``%s`` of a reflect.Type; nil's is a nil Type)."""
    return "%!s(<nil>)" if t.kind == "nil" else str(t)


UNKNOWN = T("unknown")
IFACE = T("unknown", shown="interface {}")
NIL = T("nil")
INT = T("int")
FLOAT = T("float")
BOOL = T("bool")
STRING = T("string")
ARRAY = T("array")
MAP = T("map")
ANYMAP = T("anymap", T("array"))  # groupBy: map[interface {}][]interface {}
PAIRMAP = T("anymap", T("unknown", shown="interface {}"), shown="map[interface {}]interface {}")
TIME = T("time")
DURATION = T("duration")
LOCATION = T("location")


def array_of(elem: T) -> T:
    return T("array", None if elem.kind == "unknown" else elem)


def elem_of(t: T) -> T:
    if t.kind == "array":
        return t.elem if t.elem is not None else IFACE
    return UNKNOWN


# reflect.Kind of a type, as expr's array literal compares its elements' kinds.
_REFLECT_KIND = {"unknown": "invalid", "nil": "invalid", "anymap": "map", "duration": "int64"}


def _is(t: T, *kinds: str) -> bool:
    return t.kind in kinds


def is_number(t: T) -> bool:
    return t.kind in ("int", "float")


def is_any(t: T) -> bool:
    return t.kind == "unknown"


def _or(left: T, right: T, *kinds: str) -> bool:
    if is_any(left) and is_any(right):
        return True
    if is_any(left) and right.kind in kinds:
        return True
    return is_any(right) and left.kind in kinds


_BOOLEAN_PREDICATES = frozenset(
    {
        "all",
        "none",
        "any",
        "one",
        "filter",
        "count",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
    }
)


class CheckError(Exception):
    def __init__(self, message: str, loc: int) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


class _Mismatch(CheckError):
    """An argument does not fit one overload (the next one may take it)."""


@dataclass
class _Scope:
    vars: list[tuple[str, T]] = field(default_factory=list)
    predicates: list[tuple[T, dict[str, T]]] = field(default_factory=list)


# Signatures of builtins that expr declares with Go function types (checkArguments).
# A parameter type name; "...x" marks a variadic parameter.
Sig = tuple[tuple[str, ...], str]
SIGNATURES: dict[str, list[Sig]] = {
    "type": [(("any",), "string")],
    "string": [(("any",), "string")],
    "trim": [(("string",), "string"), (("string", "string"), "string")],
    "trimPrefix": [(("string", "string"), "string"), (("string",), "string")],
    "trimSuffix": [(("string", "string"), "string"), (("string",), "string")],
    "upper": [(("string",), "string")],
    "lower": [(("string",), "string")],
    "split": [(("string", "string"), "[]string"), (("string", "string", "int"), "[]string")],
    "splitAfter": [
        (("string", "string"), "[]string"),
        (("string", "string", "int"), "[]string"),
    ],
    "replace": [
        (("string", "string", "string", "int"), "string"),
        (("string", "string", "string"), "string"),
    ],
    "repeat": [(("string", "int"), "string")],
    "join": [
        (("[]string", "string"), "string"),
        (("[]any", "string"), "string"),
        (("[]any",), "string"),
        (("[]string", "string"), "string"),
        (("[]string",), "string"),
    ],
    "indexOf": [(("string", "string"), "int")],
    "lastIndexOf": [(("string", "string"), "int")],
    "hasPrefix": [(("string", "string"), "bool")],
    "hasSuffix": [(("string", "string"), "bool")],
    "toJSON": [(("any",), "string")],
    "fromJSON": [(("string",), "any")],
    "toBase64": [(("string",), "string")],
    "fromBase64": [(("string",), "string")],
    "duration": [(("string",), "duration")],
    "timezone": [(("string",), "location")],
    "sort": [
        (("[]any", "string"), "[]any"),
        (("[]int", "string"), "[]any"),
        (("[]float64", "string"), "[]any"),
        (("[]string", "string"), "[]any"),
        (("[]any",), "[]any"),
        (("[]float64",), "[]any"),
        (("[]string",), "[]any"),
        (("[]int",), "[]any"),
    ],
    "bitand": [(("int", "int"), "int")],
    "bitor": [(("int", "int"), "int")],
    "bitxor": [(("int", "int"), "int")],
    "bitnand": [(("int", "int"), "int")],
    "bitshl": [(("int", "int"), "int")],
    "bitshr": [(("int", "int"), "int")],
    "bitushr": [(("int", "int"), "int")],
    "bitnot": [(("int",), "int")],
    "link": [(("any", "string"), "any")],
}

_PARAM_TYPES: dict[str, T] = {
    "any": UNKNOWN,
    "string": STRING,
    "int": INT,
    "float": FLOAT,
    "bool": BOOL,
    "[]any": ARRAY,
    "[]string": T("array", STRING, shown="[]string"),
    "[]int": T("array", INT, shown="[]int"),
    "[]float64": T("array", FLOAT, shown="[]float64"),
    "duration": DURATION,
    "location": LOCATION,
    "time": TIME,
}


def _assignable(t: T, param: T) -> bool:
    if is_any(param) or is_any(t):
        return True
    if t.kind == "array" and param.kind == "array":
        # expr takes any array where a builtin wants []interface {} ([]int for join's []any).
        return param.elem is None or t.elem is None or t.elem == param.elem
    return t.kind == param.kind


class Checker:
    def __init__(self) -> None:
        self.scope = _Scope()
        self.unknown_functions: list[str] = []
        # id of each ==/!= whose sides are both typed int or both string: expr compiles it to
        # OpEqualInt/OpEqualString (compiler.go equalBinaryNode), which assert both values.
        self.typed_equal: dict[int, str] = {}

    def error(self, message: str, node: ast.Node) -> CheckError:
        return CheckError(message, node.loc)

    def visit(self, node: ast.Node) -> T:
        method = getattr(self, "visit_" + type(node).__name__)
        result: T = method(node)
        return result

    # literals and names
    def visit_Nil(self, node: ast.Nil) -> T:
        return NIL

    def visit_Bool(self, node: ast.Bool) -> T:
        return BOOL

    def visit_Int(self, node: ast.Int) -> T:
        return INT

    def visit_Float(self, node: ast.Float) -> T:
        return FLOAT

    def visit_Str(self, node: ast.Str) -> T:
        return STRING

    def lookup(self, name: str) -> T | None:
        for var_name, var_type in reversed(self.scope.vars):
            if var_name == name:
                return var_type
        return None

    def visit_Ident(self, node: ast.Ident) -> T:
        found = self.lookup(node.name)
        if found is not None:
            return found
        if node.name == "$env":
            return MAP
        if node.name in FUNCTIONS or node.name in BUILTIN_NAMES:
            return T("func")
        return UNKNOWN

    def visit_Unary(self, node: ast.Unary) -> T:
        t = self.visit(node.node)
        if node.op in ("!", "not"):
            if _is(t, "bool", "unknown"):
                return BOOL
        else:
            if is_number(t):
                return t
            if is_any(t):
                return UNKNOWN
        raise self.error(f"invalid operation: {node.op} (mismatched type {t})", node)

    def visit_Binary(self, node: ast.Binary) -> T:
        left = self.visit(node.left)
        right = self.visit(node.right)
        op = node.op
        if op in ("==", "!="):
            if left.kind == right.kind and left.kind in ("int", "string"):
                self.typed_equal[id(node)] = left.kind
            if _comparable(left, right):
                return BOOL
        elif op in ("or", "||", "and", "&&"):
            if (left.kind == "bool" and right.kind == "bool") or _or(left, right, "bool"):
                return BOOL
        elif op in ("<", ">", ">=", "<="):
            for kinds in (("int", "float"), ("string",), ("time",), ("duration",)):
                if left.kind in kinds and right.kind in kinds:
                    return BOOL
            if _or(left, right, "int", "float", "string", "time", "duration"):
                return BOOL
        elif op == "-":
            if is_number(left) and is_number(right):
                return _combined(left, right)
            if left.kind == "time" and right.kind == "time":
                return DURATION
            if left.kind == "time" and right.kind == "duration":
                return TIME
            if left.kind == "duration" and right.kind == "duration":
                return DURATION
            if _or(left, right, "int", "float", "time", "duration"):
                return UNKNOWN
        elif op == "*":
            if is_number(left) and is_number(right):
                return _combined(left, right)
            if _or(left, right, "int", "float", "duration"):
                return UNKNOWN
        elif op in ("/", "**", "^"):
            if (is_number(left) and is_number(right)) or _or(left, right, "int", "float"):
                return FLOAT
        elif op == "%":
            if left.kind == "int" and right.kind == "int":
                return INT
            if _or(left, right, "int"):
                return INT  # expr: an integer whenever it may be one
        elif op == "+":
            if is_number(left) and is_number(right):
                return _combined(left, right)
            if left.kind == "string" and right.kind == "string":
                return STRING
            if left.kind == "time" and right.kind == "duration":
                return TIME
            if left.kind == "duration" and right.kind == "time":
                return TIME
            if left.kind == "duration" and right.kind == "duration":
                return DURATION
            if _or(left, right, "int", "float", "string", "time", "duration"):
                return UNKNOWN
        elif op == "in":
            if right.kind in ("map", "anymap"):
                if left.kind == "nil" or right.kind == "anymap":
                    return BOOL
                if not is_any(left) and left.kind != "string":
                    raise self.error(f"cannot use {left} as type string in map key", node)
                return BOOL
            if right.kind == "array":
                if left.kind == "nil":
                    return BOOL
                if not _comparable(left, elem_of(right)):
                    raise self.error(f"cannot use {left} as type {elem_of(right)} in array", node)
                return BOOL
            if is_any(left) and right.kind in ("string", "array", "map"):
                return BOOL
            if is_any(right):
                return BOOL
        elif op == "matches":
            if isinstance(node.right, ast.Str):
                try:
                    compile_regex(node.right.value)
                except RegexError as exc:
                    raise self.error(str(exc), node) from None
            if (left.kind == "string" and right.kind == "string") or _or(left, right, "string"):
                return BOOL
        elif op in ("contains", "startsWith", "endsWith"):
            if (left.kind == "string" and right.kind == "string") or _or(left, right, "string"):
                return BOOL
        elif op == "..":
            if (left.kind == "int" and right.kind == "int") or _or(left, right, "int"):
                return T("array", INT)
        elif op == "??":
            if left.kind == "nil":
                return right
            if right.kind == "nil":
                return left
            if left == right or left is IFACE or (left.kind == right.kind == "array"):
                return left  # the right side is assignable to the left one
            return UNKNOWN
        raise self.error(f"invalid operation: {op} (mismatched types {left} and {right})", node)

    def visit_Chain(self, node: ast.Chain) -> T:
        return self.visit(node.node)

    def visit_Member(self, node: ast.Member) -> T:
        """expr v1.17's memberNode."""
        base = self.visit(node.node)
        prop = self.visit(node.prop)
        if isinstance(node.node, ast.Ident) and node.node.name == "$env":
            return UNKNOWN
        if is_any(base):
            return UNKNOWN
        named = isinstance(node.prop, ast.Str)
        if base.kind == "nil" and named:
            raise self.error(f"type nil has no field {node.prop.value}", node)  # type: ignore[attr-defined]
        if base.kind in ("time", "duration", "location"):
            return UNKNOWN  # methods and fields of Go's time types
        if base.kind in ("map", "anymap"):
            if base.kind == "map" and prop.kind not in ("string", "unknown"):
                raise self.error(f"cannot use {prop} to get an element from {base}", node.prop)
            return base.elem if base.kind == "anymap" and base.elem is not None else IFACE
        if base.kind == "array":
            if prop.kind not in ("int", "unknown"):
                raise self.error(
                    f"array elements can only be selected using an integer (got {prop})",
                    node.prop,
                )
            return elem_of(base)
        if named:
            what = "method" if node.method else "field"
            raise self.error(f"type {base} has no {what} {node.prop.value}", node)  # type: ignore[attr-defined]
        raise self.error(f"type {base}[{prop}] is undefined", node)

    def visit_Slice(self, node: ast.Slice) -> T:
        t = self.visit(node.node)
        if t.kind not in ("unknown", "string", "array"):
            raise self.error(f"cannot slice {t}", node)
        for part in (node.from_, node.to):
            if part is not None:
                pt = self.visit(part)
                if pt.kind not in ("int", "unknown"):
                    raise self.error(f"non-integer slice index {pt}", part)
        return t

    def visit_Call(self, node: ast.Call) -> T:
        callee = node.callee
        if isinstance(callee, ast.Ident) and self.lookup(callee.name) is None:
            if callee.name in FUNCTIONS:
                return self.check_signatures(callee.name, node, node.args)
            if callee.name not in self.unknown_functions:
                self.unknown_functions.append(callee.name)
            # expr stops at an unknown callee: its arguments are not type-checked.
            return UNKNOWN
        if isinstance(callee, ast.Member):
            self.visit(callee.node)
        else:
            self.visit(callee)
        for arg in node.args:
            self.visit(arg)
        return UNKNOWN

    def visit_Predicate(self, node: ast.Predicate) -> T:
        return T("func", self.visit(node.node))

    def visit_Pointer(self, node: ast.Pointer) -> T:
        if not self.scope.predicates:
            raise self.error("cannot use pointer accessor outside predicate", node)
        collection, extra = self.scope.predicates[-1]
        if node.name == "":
            return elem_of(collection) if collection.kind == "array" else UNKNOWN
        if node.name in extra:
            return extra[node.name]
        raise self.error(f"unknown pointer #{node.name}", node)

    def visit_Let(self, node: ast.Let) -> T:
        if node.name in FUNCTIONS:
            raise self.error(f"cannot redeclare function {node.name}", node)
        if node.name in BUILTIN_NAMES:
            raise self.error(f"cannot redeclare builtin {node.name}", node)
        if self.lookup(node.name) is not None:
            raise self.error(f"cannot redeclare variable {node.name}", node)
        value = self.visit(node.value)
        self.scope.vars.append((node.name, value))
        try:
            return self.visit(node.body)
        finally:
            self.scope.vars.pop()

    def visit_Cond(self, node: ast.Cond) -> T:
        cond = self.visit(node.cond)
        if cond.kind not in ("bool", "unknown"):
            raise self.error(f"non-bool expression (type {cond}) used as condition", node.cond)
        t1 = self.visit(node.exp1)
        t2 = self.visit(node.exp2)
        if t1.kind == "nil":
            return t2
        if t2.kind == "nil":
            return t1
        if t1 == t2 or t2 is IFACE or (t1.kind == t2.kind and t1.kind == "array"):
            return t1  # expr: t1 when it is assignable to t2 (interface{} takes anything)
        return UNKNOWN

    def visit_Array(self, node: ast.Array) -> T:
        # expr v1.17: all elements of one reflect.Kind -> an array of the last one's type.
        types = [self.visit(item) for item in node.nodes]
        kinds = {_REFLECT_KIND.get(t.kind, t.kind) for t in types}
        if len(kinds) <= 1 and types and types[-1].kind not in ("unknown", "nil"):
            return T("array", types[-1])
        if len(kinds) <= 1 and types and types[-1].kind == "nil":
            return T("array", NIL)
        if not types:
            return T("array", UNKNOWN)  # [] is an array of expr's untyped Nature{}
        return ARRAY

    def visit_Map(self, node: ast.Map) -> T:
        for pair in node.pairs:
            self.visit(pair.key)
            self.visit(pair.value)
        return MAP

    def visit_Pair(self, node: ast.Pair) -> T:
        self.visit(node.key)
        self.visit(node.value)
        return NIL

    def visit_Sequence(self, node: ast.Sequence) -> T:
        t = UNKNOWN
        for item in node.nodes:
            t = self.visit(item)
        return t

    # --- builtins ---
    def visit_Builtin(self, node: ast.Builtin) -> T:
        name = node.name
        args = node.args
        if name in (
            "all",
            "none",
            "any",
            "one",
            "filter",
            "map",
            "count",
            "sum",
            "find",
            "findIndex",
            "findLast",
            "findLastIndex",
            "groupBy",
            "sortBy",
            "reduce",
        ):
            return self.check_predicate_builtin(node)
        if name == "get":
            return self.check_get(node)
        if name in SIGNATURES:
            return self.check_signatures(name, node, args)
        types = [self.visit(arg) for arg in args]
        return self.validate(name, node, types)

    def check_predicate_builtin(self, node: ast.Builtin) -> T:
        name = node.name
        collection = self.visit(node.args[0])
        if collection.kind not in ("array", "unknown"):
            raise self.error(f"builtin {name} takes only array (got {collection})", node.args[0])
        extra = {"index": INT}
        if name == "reduce":
            extra["acc"] = UNKNOWN
        closure: T | None = None
        if len(node.args) > 1:
            self.scope.predicates.append((collection, extra))
            try:
                closure = self.visit(node.args[1])
            finally:
                self.scope.predicates.pop()
        for arg in node.args[2:]:
            self.visit(arg)
        out = closure.elem if closure is not None and closure.elem is not None else UNKNOWN
        if closure is not None and out.kind == "nil":
            # A closure whose body is nil has no result: not a predicate to expr.
            inputs = "two" if name == "reduce" else "one"
            raise self.error(
                f"predicate should has {inputs} input and one output param", node.args[1]
            )
        if (
            name in _BOOLEAN_PREDICATES
            and closure is not None
            and out.kind not in ("bool", "unknown")
        ):
            raise self.error(f"predicate should return boolean (got {out})", node.args[1])
        if name in ("all", "none", "any", "one"):
            return BOOL
        if name in ("count", "findIndex", "findLastIndex"):
            return INT
        if name == "filter":
            return collection if collection.kind == "array" else ARRAY
        if name == "sortBy":
            return collection  # as given: unknown stays unknown
        if name == "reduce" and closure is not None:
            return out  # the closure's own type
        if name == "map":
            return T("array", out) if out.kind == "unknown" else array_of(out)
        if name in ("find", "findLast"):
            return elem_of(collection)
        if name == "groupBy":
            return ANYMAP
        if name == "sum":
            if closure is not None:
                return out if is_number(out) else UNKNOWN
            return elem_of(collection) if collection.kind == "array" else UNKNOWN
        return UNKNOWN

    def check_get(self, node: ast.Builtin) -> T:
        if len(node.args) != 2:
            raise self.error(
                f"invalid number of arguments (expected 2, got {len(node.args)})", node
            )
        base_node, prop_node = node.args
        if isinstance(base_node, ast.Ident) and base_node.name == "$env":
            self.visit(prop_node)
            return UNKNOWN
        base = self.visit(base_node)
        if base.kind == "unknown":
            self.visit(prop_node)
            return UNKNOWN
        if base.kind == "array":
            prop = self.visit(prop_node)
            if prop.kind == "nil":
                raise self.error("non-integer slice index unknown", prop_node)
            if prop.kind not in ("int", "unknown"):
                raise self.error(f"non-integer slice index {prop}", prop_node)
            return elem_of(base)
        if base.kind in ("map", "anymap"):
            prop = self.visit(prop_node)
            if prop.kind == "nil" and base.kind == "map":  # nil is assignable to interface{}
                raise self.error(f"cannot use unknown to get an element from {base}", prop_node)
            if base.kind == "map" and prop.kind not in ("string", "unknown"):
                raise self.error(f"cannot use {prop} to get an element from {base}", prop_node)
            if base.kind == "anymap" and base.elem is not None:
                return base.elem  # groupBy's values are []interface {}
            return IFACE
        shown = "unknown" if base.kind == "nil" else str(base)
        raise self.error(f"type {shown} does not support indexing", base_node)

    def check_signatures(self, name: str, node: ast.Node, args: list[ast.Node]) -> T:
        """expr's checkFunction over a builtin's overloads; the last overload's error wins."""
        last: _Mismatch | None = None
        for params, out in SIGNATURES[name]:
            try:
                self.check_arguments(name, node, args, params)
            except _Mismatch as exc:
                last = exc
                continue
            return _PARAM_TYPES.get(out, UNKNOWN)
        assert last is not None
        # Final for this call: an enclosing call's overloads must not swallow it.
        raise CheckError(last.message, last.loc)

    def check_arguments(
        self,
        name: str,
        node: ast.Node,
        args: list[ast.Node],
        params: tuple[str, ...],
    ) -> None:
        """expr's checkArguments: each argument is checked as soon as it is visited (so a bad
        first argument is reported before an error inside the second)."""
        if len(args) != len(params):
            for arg in args:
                self.visit(arg)
            few = "too many" if len(args) > len(params) else "not enough"
            raise _Mismatch(f"{few} arguments to call {name}", node.loc)
        for arg, param_name in zip(args, params, strict=True):
            t = self.visit(arg)
            param = _PARAM_TYPES[param_name]
            if param.kind == "float":
                continue
            if t.kind == "nil":
                if param.kind == "unknown":  # expr lets nil through to Ptr and Interface only
                    continue
                raise _Mismatch(
                    f"cannot use nil as argument (type {param}) to call {name}", arg.loc
                )
            if not _assignable(t, param):
                raise _Mismatch(
                    f"cannot use {t} as argument (type {param}) to call {name} ", arg.loc
                )

    def validate(self, name: str, node: ast.Builtin, types: list[T]) -> T:
        n = len(types)

        def arity(expected: int) -> None:
            if n != expected:
                raise self.error(
                    f"invalid number of arguments (expected {expected}, got {n})", node
                )

        if name == "len":
            arity(1)
            if types[0].kind in ("array", "map", "anymap", "string", "unknown"):
                return INT
            raise self.error(f"invalid argument for len (type {_s(types[0])})", node)
        if name == "abs":
            arity(1)
            if types[0].kind in ("int", "float", "unknown"):
                return types[0]
            raise self.error(f"invalid argument for abs (type {_s(types[0])})", node)
        if name in ("ceil", "floor", "round"):
            arity(1)
            if types[0].kind in ("int", "float", "unknown"):
                return FLOAT
            raise self.error(f"invalid argument for {name} (type {_s(types[0])})", node)
        if name in ("int", "float"):
            arity(1)
            if types[0].kind in ("int", "float", "string", "unknown"):
                return INT if name == "int" else FLOAT
            raise self.error(f"invalid argument for {name} (type {_s(types[0])})", node)
        if name in ("max", "min", "mean", "median"):
            if n == 0:
                raise self.error(f"not enough arguments to call {name}", node)
            # builtin.validateAggregateFunc: an array or interface{} argument -> interface{},
            # else the first argument's type (mean(1, 2) is typed int, though it is 1.5).
            for t in types:
                if t.kind in ("unknown", "array"):
                    return IFACE
                if not is_number(t):
                    raise self.error(f"invalid argument for {name} (type {_s(t)})", node)
            return types[0]
        if name == "now":
            if n == 0 or (n == 1 and types[0].kind == "location"):
                return TIME
            raise self.error(f"invalid number of arguments (expected 0, got {n})", node)
        if name == "date":
            if n < 1:
                raise self.error(
                    f"invalid number of arguments (expected at least 1, got {n})", node
                )
            rest = types[1:] if types[0].kind == "location" else types
            if len(rest) > 3:
                raise self.error(
                    f"invalid number of arguments (expected at most 3, got {len(rest)})", node
                )
            return TIME
        if name in ("first", "last"):
            arity(1)
            if types[0].kind == "array" and types[0].shown and types[0].elem is not None:
                return types[0].elem  # a real []string etc. (split): its element type
            if types[0].kind in ("unknown", "array"):
                return IFACE  # a literal's or map()'s []interface {}: interface{}
            raise self.error(f"cannot get {name} element from {_s(types[0])}", node)
        if name == "take":
            arity(2)
            if types[0].kind not in ("unknown", "array"):
                raise self.error(f"cannot take from {_s(types[0])}", node)
            if types[1].kind not in ("unknown", "int"):
                raise self.error(f"cannot take {_s(types[1])} elements", node)
            return types[0]
        if name in ("keys", "values", "toPairs"):
            arity(1)
            if types[0].kind in ("unknown", "map", "anymap"):
                return ARRAY
            message = {
                "keys": "cannot get keys from",
                "values": "cannot get values from",
                "toPairs": "cannot transform",
            }[name]
            suffix = " to pairs" if name == "toPairs" else ""
            raise self.error(f"{message} {_s(types[0])}{suffix}", node)
        if name == "fromPairs":
            arity(1)
            if types[0].kind in ("unknown", "array"):
                return PAIRMAP
            raise self.error(f"cannot transform {_s(types[0])} from pairs", node)
        if name in ("reverse", "uniq", "flatten"):
            arity(1)
            if types[0].kind in ("unknown", "array"):
                return ARRAY
            raise self.error(f"cannot {name} {_s(types[0])}", node)
        if name == "concat":
            if n == 0:
                raise self.error("invalid number of arguments (expected at least 1, got 0)", node)
            for t in types:
                if t.kind not in ("unknown", "array"):
                    raise self.error(f"cannot concat {_s(t)}", node)
            return ARRAY
        return UNKNOWN


def _combined(left: T, right: T) -> T:
    return INT if left.kind == "int" and right.kind == "int" else FLOAT


def _comparable(left: T, right: T) -> bool:
    if is_any(left) or is_any(right):
        return True
    if left.kind == "nil" or right.kind == "nil":
        return True
    if is_number(left) and is_number(right):
        return True
    if left.kind in ("array",) and right.kind in ("array",):
        return True
    if left.kind in ("map", "anymap") and right.kind in ("map", "anymap"):
        return True
    return left.kind == right.kind


def check(tree: ast.Node) -> Checker:
    """Type-check ``tree``; raises :class:`CheckError` with expr's message and node offset."""
    checker = Checker()
    checker.visit(tree)
    return checker
