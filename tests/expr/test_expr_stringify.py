"""Formance's var stringification (JSON floats, fmt.Sprint for the rest) and filter matching."""

from __future__ import annotations

import math
from typing import Any

import pytest

from orchctl.expr import compile_expr, filter_matches, go_sprint, stringify


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100.0, "100"),
        (1.5, "1.5"),
        (-0.25, "-0.25"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789.0, "123456789"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),  # encoding/json cleans e-07 to e-7
        (1.5e-10, "1.5e-10"),
        (0.1 + 0.2, "0.30000000000000004"),
        (None, "<nil>"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        ("plain", "plain"),
        ([1, 2], "[1 2]"),
        ([1.5, 2.0, "x", None], "[1.5 2 x <nil>]"),
        ({"b": "x", "a": 1}, "map[a:1 b:x]"),
        ({"a": 1e21}, "map[a:1e+21]"),
        ({"a": 1e20}, "map[a:1e+20]"),
        ({"a": 999999.0, "b": 1e6}, "map[a:999999 b:1e+06]"),
        ([2500000.0], "[2.5e+06]"),
        ({"a": [1.0, {"b": True}]}, "map[a:[1 map[b:true]]]"),
        ([], "[]"),
        ({}, "map[]"),
    ],
)
def test_stringify(value: Any, text: str) -> None:
    assert stringify(value) == text


def test_nested_floats_use_fmt_not_json() -> None:
    # %v of a float64 is strconv 'g' with the shortest precision: the exponent form below
    # 1e-4 and from 1e6 on (ftoa.go uses precision 6 for that decision); JSON waits for 1e21
    assert go_sprint(999999.0) == "999999"
    assert go_sprint(999999.5) == "999999.5"
    assert go_sprint(1e6) == "1e+06"
    assert go_sprint(1234567.0) == "1.234567e+06"
    assert stringify(2500000.0) == "2500000"  # a bare number is JSON-encoded by Formance
    assert go_sprint(0.0001) == "0.0001"
    assert go_sprint(0.00001) == "1e-05"
    assert stringify(0.00001) == "0.00001"
    assert stringify([0.00001]) == "[1e-05]"


def test_non_finite_floats() -> None:
    assert stringify(math.inf) == "+Inf"
    assert stringify(-math.inf) == "-Inf"
    assert stringify(math.nan) == "NaN"


@pytest.mark.parametrize(
    ("source", "env", "text"),
    [
        ("event.amount", {"event": {"amount": 100}}, "100"),
        ("event.amount / 8", {"event": {"amount": 100}}, "12.5"),
        ("event.missing", {"event": {}}, "<nil>"),
        ("event.metadata", {"event": {"metadata": {"b": 2, "a": "x"}}}, "map[a:x b:2]"),
        ("event.tags", {"event": {"tags": ["x", 1]}}, "[x 1]"),
        ("1 + 1", {}, "2"),
        ("2 ** 60", {}, "1152921504606847000"),
        ("2 ** 70", {}, "1.1805916207174113e+21"),
        ("'a' + 'b'", {}, "ab"),
        ("groupBy([1, 2, 3], # % 2 == 0)", {}, "map[false:[1 3] true:[2]]"),
        ("duration('90m')", {}, "1h30m0s"),
        ("date('2024-03-01T10:00:00Z')", {}, "2024-03-01 10:00:00 +0000 UTC"),
    ],
)
def test_var_strings_of_results(source: str, env: dict[str, Any], text: str) -> None:
    assert stringify(compile_expr(source).run(env)) == text


@pytest.mark.parametrize(
    ("value", "matches"),
    [(True, True), (False, False), (None, False), (1, False), ("true", False), ([True], False)],
)
def test_filter_matches_only_true(value: Any, matches: bool) -> None:
    assert filter_matches(value) is matches


def test_string_builtin_formats_large_floats_like_go() -> None:
    # expr's string() is fmt.Sprintf("%v"): a JSON amount of 2500000 becomes "2.5e+06", the
    # trap the examples avoid by passing the number itself as the var
    program = compile_expr("string(event.amount)")
    assert program.run({"event": {"amount": 2500000}}) == "2.5e+06"
    assert program.run({"event": {"amount": 999999}}) == "999999"
    assert stringify(compile_expr("event.amount").run({"event": {"amount": 2500000}})) == "2500000"
