"""Maps with interface{} keys (groupBy, fromPairs) as Go has them, pinned from the Go oracle
(tests/oracle, expr-lang v1.17.7 built with go1.26): key identity by dynamic type, fmt's key
order, and the zero value a missing groupBy key gives. No Go needed to run these."""

from __future__ import annotations

import math
from typing import Any

import pytest

from orchctl.expr import ExprRuntimeError, compile_expr, stringify
from orchctl.expr.gofmt import go_sprint, sorted_items
from orchctl.expr.values import GoAnyMap, GoNilList, type_name

MONTH = 'date("2020-01-01").Month()'
WEEKDAY = 'date("2020-01-01").Weekday()'
TIME = 'date("2020-01-01")'
LOCATION = 'date("2020-01-01").Location()'
MIXED = "map[<nil>:[<nil>] a:[a] 97:[97] 1:[1] 1.5:[1.5] true:[true] January:[January] "
MIXED += "Wednesday:[Wednesday] UTC:[UTC] 1s:[1s] "
MIXED += "2020-01-01 00:00:00 +0000 UTC:[2020-01-01 00:00:00 +0000 UTC]]"


def _answer(source: str, event: Any = None) -> tuple[str, str]:
    value = compile_expr(source).run({"event": event}, go_types=True)
    return type_name(value), go_sprint(value)


@pytest.mark.parametrize(
    ("source", "event", "go_type", "printed"),
    [
        # fmt orders keys of different dynamic types by their type descriptors' addresses:
        # nil, string, uint8, int, float64, bool, Month, Weekday, *Location, Duration, Time
        ("groupBy([1.5, 2], #)", None, "map[interface {}][]interface {}", "map[2:[2] 1.5:[1.5]]"),
        ('groupBy(["a", 1], #)', None, "map[interface {}][]interface {}", "map[a:[a] 1:[1]]"),
        ('groupBy([1, 1, "a"], #)', None, "map[interface {}][]interface {}", "map[a:[a] 1:[1 1]]"),
        (
            f"groupBy([{TIME}, {LOCATION}, duration('1s'), {WEEKDAY}, {MONTH}, true, 1.5, 1, "
            '"a", event.s[0], nil], #)',
            {"s": "abc"},
            "map[interface {}][]interface {}",
            MIXED,
        ),
        (
            f"groupBy([{MONTH}, 1, {WEEKDAY}, 3], #)",
            None,
            "map[interface {}][]interface {}",
            "map[1:[1] 3:[3] January:[January] Wednesday:[Wednesday]]",
        ),
        # within a type: by value (strings bytewise, false < true, NaN first among floats)
        (
            'groupBy(["b", "a", "B", "é", ""], #)',
            None,
            "map[interface {}][]interface {}",
            "map[:[] B:[B] a:[a] b:[b] é:[é]]",
        ),
        (
            "groupBy([0/0, 0/0, 1], #)",
            None,
            "map[interface {}][]interface {}",
            "map[1:[1] NaN:[NaN] NaN:[NaN]]",
        ),
        (
            "groupBy([1.5, 0/0], #)",
            None,
            "map[interface {}][]interface {}",
            "map[NaN:[NaN] 1.5:[1.5]]",
        ),
        # a time.Time compares its fields: the wall clock's nanoseconds before the seconds
        (
            'groupBy([date("2020-01-01T00:00:00.5Z"), date("2021-01-01T00:00:00Z")], #)',
            None,
            "map[interface {}][]interface {}",
            "map[2021-01-01 00:00:00 +0000 UTC:[2021-01-01 00:00:00 +0000 UTC] "
            "2020-01-01 00:00:00.5 +0000 UTC:[2020-01-01 00:00:00.5 +0000 UTC]]",
        ),
        # true, 1 and 1.0 are three keys; 0.0 and -0.0 one, holding the latest key stored
        (
            "groupBy([true, 1, 1.0], #)",
            None,
            "map[interface {}][]interface {}",
            "map[1:[1] 1:[1] true:[true]]",
        ),
        (
            "groupBy([event.s[0], 97, 97.0], #)",
            {"s": "abc"},
            "map[interface {}][]interface {}",
            "map[97:[97] 97:[97] 97:[97]]",
        ),
        ("groupBy([0.0, -0.0], #)", None, "map[interface {}][]interface {}", "map[-0:[0 -0]]"),
        ("groupBy([-0.0, 0.0], #)", None, "map[interface {}][]interface {}", "map[0:[-0 0]]"),
        (
            "fromPairs([[1, 2], [true, 3], [1.0, 4]])",
            None,
            "map[interface {}]interface {}",
            "map[1:2 1:4 true:3]",
        ),
        ("fromPairs([[0.0, 1], [-0.0, 2]])", None, "map[interface {}]interface {}", "map[-0:2]"),
        ("len(groupBy([true, 1, 1.0], #))", None, "int", "3"),
        ("true not in groupBy(1..1, 1)", None, "bool", "true"),
        ("1 in groupBy(1..3, true)", None, "bool", "false"),
        ("1.0 in groupBy([1], #)", None, "bool", "false"),
        ('groupBy([1, 1.0, true, "1"], #)[1.0]', None, "[]interface {}", "[1]"),
        ("get(groupBy(1..3, true), 1)", None, "<nil>", "<nil>"),
        ("toJSON(get(groupBy([1, 2, 3], true), 1))", None, "string", "null"),
        ("groupBy([1], #) == groupBy([1.0], #)", None, "bool", "false"),
        ("keys(groupBy([true], #))", None, "[]interface {}", "[true]"),
        # a time.Time key holds its *Location: +05:30 parsed twice is two FixedZones, +01:00
        # one (Go caches unnamed whole-hour zones); the same instant in two zones two keys
        (
            'date("2020-01-01T00:00:00+05:30") in groupBy([date("2020-01-01T00:00:00+05:30")], #)',
            None,
            "bool",
            "false",
        ),
        (
            'date("2020-01-01T00:00:00+01:00") in groupBy([date("2020-01-01T00:00:00+01:00")], #)',
            None,
            "bool",
            "true",
        ),
        (
            'len(groupBy([date("2020-01-01T01:00:00+01:00"), date("2020-01-01T00:00:00Z")], #))',
            None,
            "int",
            "2",
        ),
        # nil is assignable to interface{}: get() of a nil key type-checks
        ("get(groupBy([], 1), nil)", None, "<nil>", "<nil>"),
        ("get(groupBy([nil, 1], #), nil)", None, "[]interface {}", "[<nil>]"),
        ("[nil] | map(get(groupBy([], 1), #))", None, "[]interface {}", "[<nil>]"),
    ],
)
def test_interface_keys_as_go(source: str, event: Any, go_type: str, printed: str) -> None:
    assert _answer(source, event) == (go_type, printed)


@pytest.mark.parametrize(
    ("source", "go_type", "printed"),
    [
        # a missing key gives the element type's zero value: a nil []interface{} for groupBy
        ("groupBy([], 1)[1]", "[]interface {}", "[]"),
        ("groupBy([1], #)[2]", "[]interface {}", "[]"),
        ("groupBy([1], #).a", "[]interface {}", "[]"),
        ("groupBy([1], #)[nil]", "[]interface {}", "[]"),
        ("fromPairs([[1, 2]])[3]", "<nil>", "<nil>"),  # map[interface {}]interface {}: nil
        # the chain's end turns a typed nil into nil (compiler.go ChainNode)
        ("groupBy([1], #)?.[2]", "<nil>", "<nil>"),
        ("groupBy([1], #)?.a", "<nil>", "<nil>"),
        ('groupBy([1], #)[2] ?? "z"', "string", "z"),
        ("let x = groupBy([], 1)[1]; x?.[0]", "<nil>", "<nil>"),
        ("len(groupBy([], 1)[1])", "int", "0"),
        ("type(groupBy([], 1)[1])", "string", "array"),
        ("toJSON(groupBy([], 1)[1])", "string", "null"),
        ("let x = groupBy([], 1)[1]; toJSON({a: x})", "string", '{\n  "a": null\n}'),
        ("let x = groupBy([], 1)[1]; string(x)", "string", "[]"),
        ("let x = groupBy([], 1)[1]; [x]", "[]interface {}", "[[]]"),
        ("let x = groupBy([], 1)[1]; x == nil", "bool", "true"),
        ("let x = groupBy([], 1)[1]; x == []", "bool", "true"),
        ("let x = groupBy([], 1)[1]; [] in [x]", "bool", "true"),
        ("let x = groupBy([], 1)[1]; x[:]", "[]interface {}", "[]"),
        ("let x = groupBy([], 1)[1]; map(x, #)", "[]interface {}", "[]"),
        ("let x = groupBy([], 1)[1]; concat(x, [1])", "[]interface {}", "[1]"),
        ("let x = groupBy([], 1)[1]; sum(x)", "int", "0"),
        ("let x = groupBy([], 1)[1]; join(x)", "string", ""),
        (
            "let x = groupBy([], 1)[1]; groupBy([x], 1)",
            "map[interface {}][]interface {}",
            "map[1:[[]]]",
        ),
        (
            "let x = groupBy([], 1)[1]; fromPairs([[1, x]])",
            "map[interface {}]interface {}",
            "map[1:[]]",
        ),
    ],
)
def test_missing_group_is_a_nil_slice(source: str, go_type: str, printed: str) -> None:
    assert _answer(source) == (go_type, printed)


def test_nil_slice_index_is_out_of_range() -> None:
    with pytest.raises(ExprRuntimeError) as caught:
        compile_expr("let x = groupBy([], 1)[1]; x[0]").run({"event": None})
    assert caught.value.message == "index out of range: 0 (array length is 0)"


def test_nil_slice_slices_to_nil() -> None:
    value = compile_expr("groupBy([], 1)[1][:]").run({}, go_types=True)
    assert type(value) is GoNilList


def test_trigger_var_keeps_interface_keys() -> None:
    """Without go_types (the trigger runner and the sandbox), the map keeps its Go keys."""
    value = compile_expr("groupBy([true, 1, 1.0, 'a'], #)").run({"event": {}})
    assert isinstance(value, GoAnyMap)
    assert [type(k) for k in value] == [bool, int, float, str]
    assert stringify(value) == "map[a:[a] 1:[1] 1:[1] true:[true]]"
    assert stringify(compile_expr("groupBy([], 1)[1]").run({})) == "[]"


def test_go_map_api() -> None:
    m = GoAnyMap([(True, 1), (1, 2), (1.0, 3), (math.nan, 4), (math.nan, 5)])
    assert len(m) == 5
    assert [m[True], m[1], m[1.0]] == [1, 2, 3]
    assert math.nan not in m
    assert m.get(math.nan) is None
    assert m != m.copy()  # a NaN key never finds itself, as in Go
    m = GoAnyMap([(-0.0, 6)])
    m[0.0] = 7
    assert [(math.copysign(1, k), v) for k, v in m.items()] == [(1.0, 7)]
    m[True] = 1
    assert 0 not in m  # int 0 is not float64 0
    del m[-0.0]
    assert 0.0 not in m
    assert list(m) == [True]
    assert m.copy() == m
    assert m != GoAnyMap([(1, 1)])
    assert [k for k, _ in sorted_items(GoAnyMap([(2.5, 0), ("b", 0), (1, 0), (None, 0)]))] == [
        None,
        "b",
        1,
        2.5,
    ]
    with pytest.raises(TypeError):
        m[[]] = 1


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        # OpMap pops the pairs from the last back: the first of two equal keys wins
        ("{a: 1, a: 2}", "map[a:1]"),
        ('{a: 1, b: 3, "a": 2}', "map[a:1 b:3]"),
        # map literal keys are strings whatever their token
        ("{1: 1, nil: 2, true: 3, 1.5: 4, 0x10: 5}", "map[0x10:5 1:1 1.5:4 nil:2 true:3]"),
    ],
)
def test_map_literal_keys(source: str, printed: str) -> None:
    assert _answer(source) == ("map[string]interface {}", printed)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # every pair is evaluated before any key is asserted, the last pair's first
        ("{(1+1): 2, (true): 3}", "interface conversion: interface {} is bool, not string"),
        ("{(1): 1, a: event.x.y}", "cannot fetch y from <nil>"),
    ],
)
def test_map_literal_key_errors(source: str, message: str) -> None:
    with pytest.raises(ExprRuntimeError) as caught:
        compile_expr(source).run({"event": {}})
    assert caught.value.message == message
