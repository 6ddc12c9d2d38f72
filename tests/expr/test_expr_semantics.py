"""Go-way runtime semantics: float64 JSON numbers, int/float mixing, nil, short-circuits."""

from __future__ import annotations

import math
from typing import Any

import pytest

from orchctl.expr import ExprCompileError, ExprRuntimeError, compile_expr


def run(source: str, env: dict[str, Any] | None = None) -> Any:
    return compile_expr(source).run(env or {})


def run_error(source: str, env: dict[str, Any] | None = None) -> ExprRuntimeError:
    with pytest.raises(ExprRuntimeError) as info:
        run(source, env)
    return info.value


def test_env_ints_are_float64() -> None:
    env = {"event": {"amount": 100, "items": [1, 2], "meta": {"n": 3}}}
    assert type(run("event.amount", env)) is float
    assert type(run("event.items[0]", env)) is float
    assert type(run("event.meta.n", env)) is float
    assert run("type(event.amount)", env) == "float"
    assert run("event.items", env) == [1.0, 2.0]
    assert all(type(x) is float for x in run("event.items", env))
    assert all(type(x) is float for x in run("map(event.items, #)", env))
    assert run("event.meta", env) == {"n": 3.0}
    assert type(run("event.meta", env)["n"]) is float


def test_literal_ints_stay_ints() -> None:
    assert type(run("1 + 2")) is int
    assert type(run("[1, 2][0]")) is int
    assert all(type(x) is int for x in run("map(1..3, # * 2)"))
    assert type(run("sort([3, 1])[0]")) is int


def test_division_and_modulo() -> None:
    assert run("4 / 2") == 2.0
    assert type(run("4 / 2")) is float
    assert run("7 % 3") == 1
    assert run("-7 % 3") == -1  # Go truncates toward zero
    assert run("1 / 0") == math.inf
    assert math.isnan(run("0 / 0"))
    # constant operands are folded at compile time (checked against Go); a variable divisor fails at run time
    with pytest.raises(ExprCompileError, match="integer divide by zero"):
        compile_expr("1 % 0")
    assert run_error("let x = 0; 1 % x").message == "runtime error: integer divide by zero"
    # JSON numbers are float64, and % is integer-only
    assert run_error("event.n % 2", {"event": {"n": 7}}).message == (
        "invalid operation: float64 % int"
    )


def test_int_overflow_wraps() -> None:
    assert run("9223372036854775807 + 1") == -(2**63)
    assert run("-9223372036854775807 - 2") == 2**63 - 1


def test_mixed_comparisons_and_equality() -> None:
    env = {"amount": 100}
    assert run("amount == 100", env) is True
    assert run("amount > 99.5", env) is True
    assert run("1 == 1.0") is True
    assert run("amount == '100'", env) is False  # == never errors at run time
    assert run("amount != nil", env) is True
    assert run("[1, 2] == [1.0, 2.0]") is True
    assert (
        run("{a: 1} == {a: 1.0}") is False
    )  # maps compare as reflect.DeepEqual: int is not float64
    assert run_error("amount < '5'", env).message == "invalid operation: float64 < string"


def test_unknown_names_and_missing_keys_are_nil() -> None:
    assert run("nope") is None
    assert run("event.missing", {"event": {}}) is None
    assert run("event.missing ?? 'x'", {"event": {}}) == "x"
    err = run_error("event.missing.deeper", {"event": {}})
    assert err.message == "cannot fetch deeper from <nil>"
    assert str(err) == (
        "cannot fetch deeper from <nil> (1:15)\n | event.missing.deeper\n | ..............^"
    )


def test_optional_chaining() -> None:
    assert run("event?.a?.b", {}) is None
    assert run("event.a?.b.c", {"event": {}}) is None
    assert run("event?.list?.[0]", {"event": {"list": None}}) is None
    assert run("event?.list?.[0]", {"event": {"list": [5]}}) == 5.0


def test_no_truthiness() -> None:
    env = {"s": "x", "n": None, "t": True}
    assert run_error("s && t", env).message == (
        "interface conversion: interface {} is string, not bool"
    )
    # expr's optimizer folds a constant side away (checked against Go): no bool check left.
    assert run("s && true", env) == "x"
    assert run("s || false", env) == "x"
    assert run("s || true", env) is True
    assert run("s && false", env) is False
    assert run_error("!n", env).message == "interface conversion: interface {} is nil, not bool"
    assert run_error("n ? 1 : 2", env).message == (
        "interface conversion: interface {} is nil, not bool"
    )
    # short-circuit: the right side is returned as is / not evaluated
    assert run("t && s", env) == "x"
    assert run("false && n.x", env) is False
    assert run("true || n.x", env) is True
    assert run("false || s", env) == "x"


def test_string_operators_and_nil() -> None:
    env = {"s": "users:alice", "n": None, "x": 1}
    assert run("s startsWith 'users:' and s endsWith 'alice'", env) is True
    assert run("s contains ':al'", env) is True
    assert run("s matches '^users:[a-z]+$'", env) is True
    assert run("n contains 'a' or n matches 'a' or n startsWith 'a'", env) is False
    assert run_error("x contains 'a'", env).message == (
        "interface conversion: interface {} is float64, not string"
    )


def test_regex_is_re2_like() -> None:
    assert run("'a\\nb' matches 'a$'") is False  # $ is end of text in RE2
    assert run("'ab' matches '\\\\Aab\\\\z'") is True
    assert run("'x9' matches '[[:alpha:]][[:digit:]]'") is True
    assert run("'é' matches '\\\\w'") is False  # \w is ASCII in RE2


def test_in_operator() -> None:
    env = {"m": {"k": 1}, "l": [1, "a"]}
    assert run("'k' in m and 1 in l and 'a' in l and 2 not in l", env) is True
    assert run("'x' in missing", env) is False
    assert run_error("1 in s", {"s": "abc"}).message == 'operator "in" not defined on string'


def test_index_errors() -> None:
    err = run_error("l[-4]", {"l": [1, 2, 3]})
    assert err.message == "index out of range: -1 (array length is 3)"
    assert run("l[-1]", {"l": [1, 2, 3]}) == 3.0


def test_slices_clamp() -> None:
    assert run("[1, 2, 3][1:]") == [2, 3]
    assert run("[1, 2, 3][:-1]") == [1, 2]
    assert run("[1, 2, 3][5:9]") == []
    assert run("'hello'[1:3]") == "el"


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("all([1, 2], # > 0)", True),
        ("any([1, 2], # > 1)", True),
        ("none([1, 2], # > 2)", True),
        ("one([1, 2], # > 1)", True),
        ("count([1, 2, 3], # > 1)", 2),
        ("find([1, 2, 3], # > 1)", 2),
        ("findIndex([1, 2, 3], # > 1)", 1),
        ("findLast([1, 2, 3], # > 1)", 3),
        ("findLastIndex([1, 2, 3], # > 5)", None),  # nil, not -1 (checked against Go)
        ("findIndex([1, 2, 3], # > 5)", None),
        ("map([10, 20], #index)", [0, 1]),
        ("reduce([1, 2, 3], #acc * #, 1)", 6),
        ("groupBy(['a', 'bb', 'c'], len(#))[1]", ["a", "c"]),
        ("sortBy([{n: 2}, {n: 1}], .n)[0].n", 1),
        ("sum([{v: 1}, {v: 2.5}], .v)", 3.5),
        ("filter([1, 2, 3], {# > 1 && #index < 2})", [2]),
        ("map([1, 2], let y = # * 10; y + 1)", [11, 21]),
    ],
)
def test_predicates(source: str, value: Any) -> None:
    assert run(source) == value


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("abs(-3)", 3),
        ("ceil(1.2) + floor(1.8) + round(2.5)", 6.0),
        ("int('42') + int(3.9)", 45),
        ("float('1.5')", 1.5),
        ("string(1.0) + string(true) + string(nil)", "1true<nil>"),
        ("trim('  x ') + trimPrefix('ab', 'a') + trimSuffix('ab', 'b')", "xba"),
        ("split('a,b,c', ',', 2)", ["a", "b,c"]),
        ("splitAfter('a,b', ',')", ["a,", "b"]),
        ("replace('aaa', 'a', 'b', 2)", "bba"),
        ("join(['a', 'b'], '-')", "a-b"),
        ("indexOf('abc', 'c') + lastIndexOf('abca', 'a')", 5),
        ("hasPrefix('abc', 'ab') && hasSuffix('abc', 'bc')", True),
        ("max(1, 2.5, [3])", 3),
        ("min([2, 1.5])", 1.5),
        ("mean([1, 2])", 1.5),
        ("median([3, 1, 2])", 2.0),
        ("keys({b: 1, a: 2}) | sort()", ["a", "b"]),
        ("values({a: 1})", [1]),
        ("first([]) ?? last([1, 2])", 2),
        ("get({a: 1}, 'b') ?? get([1], 5) ?? 'none'", "none"),
        ("take([1, 2, 3], 2)", [1, 2]),
        ("reverse([1, 2])", [2, 1]),
        ("concat([1], [2, [3]])", [1, 2, [3]]),
        ("flatten([1, [2, [3]]])", [1, 2, 3]),
        ("uniq([1, 1.0, 2, 'a', 'a'])", [1, 2, "a"]),
        ("sort(['b', 'a'], 'desc')", ["b", "a"]),
        ("toJSON([1, 1.5, nil])", "[\n  1,\n  1.5,\n  null\n]"),
        ("fromJSON('{\"a\": 1}').a", 1.0),
        ("fromBase64(toBase64('hé'))", "hé"),
        ("type([]) + type({}) + type(nil)", "arraymapnil"),
        ("bitand(6, 3) + bitor(1, 2) + bitshl(1, 3)", 13),
        ("toPairs({a: 1})", [["a", 1]]),
        ("fromPairs([['a', 1]]).a", 1),
    ],
)
def test_builtins(source: str, value: Any) -> None:
    result = run(source)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("int('x')", "invalid operation: int(x)"),
        ("float('x')", "invalid operation: float(x)"),
        ("fromJSON('{')", "unexpected end of JSON input"),
        ("fromBase64('%%')", "illegal base64 data at input byte 0"),
        ("repeat('a', -1)", "invalid argument for repeat (expected positive integer, got -1)"),
        ("sort([1, 'a'])", "invalid operation: string < int"),
        ("sort([1], 'up')", "invalid order up, expected asc or desc"),
        ("reduce([], #acc)", "reduce of empty array with no initial value"),
        ("upper(x)", "interface conversion: interface {} is nil, not string"),
        ("len(x)", "invalid argument for len (type <nil>)"),
        ("all(x, true)", "reflect: call of reflect.Value.Len on zero Value"),
        ("x()", "invalid operation: cannot call nil"),
        ("bitand(x, 1)", "cannot use <nil> as argument (type int) to call bitand"),
    ],
)
def test_runtime_errors(source: str, message: str) -> None:
    assert run_error(source).message == message


def test_link_is_called_with_the_event_and_rel() -> None:
    calls: list[tuple[Any, str]] = []

    def link(obj: Any, rel: str) -> Any:
        calls.append((obj, rel))
        return {"balance": 500}

    program = compile_expr('link(event, "account").balance > 100')
    assert program.run({"event": {"id": "p1"}}, link=link) is True
    assert calls == [({"id": "p1"}, "account")]


def test_link_without_resolver_is_a_clear_error() -> None:
    err = run_error('link(event, "account")', {"event": {}})
    assert err.message.startswith("link(): no linked resource 'account' provided")


def test_link_resolver_errors_are_wrapped() -> None:
    def link(obj: Any, rel: str) -> Any:
        raise KeyError(rel)

    with pytest.raises(ExprRuntimeError, match=r"^link\(\): 'wallet'"):
        compile_expr('link(event, "wallet")').run({"event": {}}, link=link)


def test_program_is_reusable() -> None:
    program = compile_expr("event.a * 2")
    assert [program.run({"event": {"a": n}}) for n in (1, 2, 3)] == [2.0, 4.0, 6.0]


def test_env_must_be_a_mapping() -> None:
    with pytest.raises(ExprRuntimeError):
        compile_expr("1").run([1, 2])  # type: ignore[arg-type]
