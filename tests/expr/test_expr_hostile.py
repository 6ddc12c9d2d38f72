"""Hostile expressions end with clear ExprError messages, never another exception or a hang."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchctl.expr import (
    MAX_SOURCE_LENGTH,
    ExprCompileError,
    ExprError,
    ExprRuntimeError,
    compile_expr,
    stringify,
)


@pytest.mark.parametrize(
    "source",
    [
        "(" * 5000 + "1" + ")" * 5000,
        "-" * 5000 + "1",
        "[" * 500 + "]" * 500,
        "{a:" * 500 + "1" + "}" * 500,
        "+".join(["1"] * 5000),
        "a" + ".b" * 5000,
        "a" + "[0]" * 3000,
        "1" + " | abs()" * 3000,
        "let x = 1; " * 3000 + "x",
        "true ? " * 3000 + "1" + " : 2" * 3000,
    ],
)
def test_deep_nesting_is_a_compile_error(source: str) -> None:
    with pytest.raises(ExprCompileError, match="nested too deeply"):
        compile_expr(source)


def test_reasonable_nesting_still_works() -> None:
    assert compile_expr("(" * 90 + "1" + ")" * 90).run({}) == 1
    assert compile_expr(" && ".join(["true"] * 140)).run({}) is True


def test_long_source_is_rejected() -> None:
    with pytest.raises(ExprCompileError, match="too long"):
        compile_expr("1 + " * (MAX_SOURCE_LENGTH // 4 + 1) + "1")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('repeat("x", 2000000)', "memory budget exceeded"),
        ('repeat(repeat("a", 1000000), 1000000)', "memory budget exceeded"),
        ("1..9223372036854775807", "memory budget exceeded"),
        ("len(1..1000000000)", "memory budget exceeded"),
        # expr's VM counts ranges, arrays, maps and Safe builtins against its memory budget
        # over the whole run (vm.memGrow), as the Go oracle answers these
        ("map(1..1000000, map(1..1000000, #))", "memory budget exceeded"),
        ('reduce(1..1000000, #acc + "xxxxxxxxxx", "")', "memory budget exceeded"),
        ("map(1..1000, 1..1000000)", "memory budget exceeded"),
        ("map(1..1000, repeat('x', 1000000))", "memory budget exceeded"),
        # no allocation, a billion steps: orchctl's own step budget or deadline
        (
            "reduce(event, reduce(event, reduce(event, #acc + 1, 0), 0), 0)",
            "(step budget|timed out)",
        ),
    ],
)
def test_runaway_evaluation_stops(source: str, message: str) -> None:
    start = time.monotonic()
    with pytest.raises(ExprRuntimeError, match=message):
        compile_expr(source).run({"event": list(range(1000))})
    assert time.monotonic() - start < 10


def test_deeply_nested_env_data_is_an_expr_error() -> None:
    data: Any = 1
    for _ in range(5000):
        data = [data]
    program = compile_expr("event")
    with pytest.raises(ExprRuntimeError):
        program.run({"event": data})
    with pytest.raises(ExprRuntimeError):
        compile_expr("toJSON(event)").run({"event": data})


def test_numeric_edge_cases_never_raise_python_errors() -> None:
    for source in [
        "10 ** 400",
        "(-8) ** 0.5",
        "0 ** -1",
        "1e308 * 10",
        "int(1e300)",
        "int(0/0)",
        "abs(-9223372036854775807 - 1)",
        "ceil(1/0)",
        "round(0/0)",
    ]:
        compile_expr(source).run({})


ALPHABET = st.sampled_from(
    [
        *list("abc019._ #$?!:;,()[]{}|&=<>+-*/%^'\"`\\\n\t"),
        "in",
        "not",
        "let",
        "if",
        "else",
        "matches",
        "map",
        "filter",
        "all",
        "nil",
        "true",
        "event",
        "..",
        "??",
        "?.",
        "**",
        "len",
        "repeat",
        "date",
        "now()",
        "'x'",
        "1e9",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_fuzz_only_expr_errors(source: str) -> None:
    try:
        program = compile_expr(source)
    except ExprCompileError:
        return
    try:
        result = program.run({"event": {"a": 1, "b": [1, "x", None], "c": {"d": 1.5}}})
    except ExprRuntimeError:
        return
    stringify(result)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_fuzz_arbitrary_text(source: str) -> None:
    with contextlib.suppress(ExprError):
        compile_expr(source).run({})


HOSTILE_REGEX_SCRIPT = """
import json, sys, time
from orchctl.expr import compile_expr
cases = json.loads(sys.stdin.read())
out = []
for source, event in cases:
    program = compile_expr(source)
    start = time.perf_counter()
    result = program.run({"event": event})
    out.append([source, result, time.perf_counter() - start])
print(json.dumps(out))
"""

HOSTILE_REGEX_CASES = [
    ['event.s matches "(a+)+$"', {"s": "a" * 40 + "!"}],
    ['event.s matches "^(a|a)*$"', {"s": "a" * 40 + "!"}],
    ['event.s matches "(a*)*b"', {"s": "a" * 10000}],
    ['event.s matches "(x+x+)+y"', {"s": "x" * 5000}],
    ["event.s matches event.p", {"s": "a" * 40 + "!", "p": "(a+)+$"}],
    ['event.s matches "^(([a-z])+.)+[A-Z]([a-z])+$"', {"s": "a" * 60 + "!"}],
]


def test_hostile_regex_runs_in_linear_time() -> None:
    # Python's backtracking `re` needs minutes (or ages) for each of these; Go's RE2 answers
    # at once. A child process with a hard timeout makes a regression fail loudly, not hang.
    import json
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, "-c", HOSTILE_REGEX_SCRIPT],
            input=json.dumps(HOSTILE_REGEX_CASES),
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("hostile regex still running after 20 s: `matches` is backtracking again")
    results = json.loads(proc.stdout)
    assert [r[1] for r in results] == [False, False, False, False, False, False]
    slow = [(source, seconds) for source, _, seconds in results if seconds > 0.5]
    assert not slow, f"hostile regex took too long (not linear time): {slow}"
