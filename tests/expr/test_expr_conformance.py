"""Run the whole expr-lang conformance corpus (../shared/reference/expr-conformance.jsonl).

Every case is compiled the way Formance does (no env) and run on its JSON env. Cases follow the
``v1_17_7`` override where present (the service runs expr v1.17). Three rates are reported:
values, error-vs-value agreement and exact error messages; each case is also asserted on its own
unless it is listed in KNOWN_FAILURES with a reason (a listed case that starts passing fails the
run, so the list stays honest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orchctl.expr import (
    ExprCompileError,
    ExprRuntimeError,
    compile_expr,
    filter_matches,
    stringify,
)

CORPUS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / ("expr-conformance.jsonl")
)

# expr -> reason. Keep empty unless a case genuinely cannot be matched.
KNOWN_FAILURES: dict[str, str] = {}

VALUE_RATE_MIN = 0.97
AGREEMENT_RATE_MIN = 0.97
MESSAGE_RATE_MIN = 0.90

pytestmark = pytest.mark.reference


def _effective(case: dict[str, Any]) -> dict[str, Any]:
    case = dict(case)
    override = case.pop("v1_17_7", None)
    if override:
        if "expect" in override:
            for key in ("error", "phase", "error_msg"):
                case.pop(key, None)
        if override.get("error"):
            for key in ("expect", "expect_type", "formance_var", "formance_filter", "go_type"):
                case.pop(key, None)
        case.update(override)
    return case


def _load() -> list[dict[str, Any]]:
    if not CORPUS.exists():
        return []
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [_effective(json.loads(line)) for line in lines if line.strip()]


CASES = _load()


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, int | float):
        return type(actual) in (int, float) and actual == expected
    if isinstance(expected, str):
        return actual == expected
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(actual) == set(expected)
            and all(_same(actual[k], expected[k]) for k in expected)
        )
    return False


def _type_ok(actual: Any, expect_type: str | None) -> bool:
    if expect_type in ("int", "uint8"):
        return type(actual) is int
    if expect_type == "float":
        return type(actual) is float
    if expect_type in ("array<int>", "array<float>"):
        want = int if expect_type == "array<int>" else float
        return isinstance(actual, list) and all(type(x) is want for x in actual)
    return True


def _outcome(case: dict[str, Any]) -> tuple[str, Any]:
    """("value", v) or (phase, error text)."""
    try:
        program = compile_expr(case["expr"])
    except ExprCompileError as exc:
        return "compile", str(exc)
    try:
        return "value", program.run(case["env"])
    except ExprRuntimeError as exc:
        return "run", str(exc)


def _judge(case: dict[str, Any]) -> tuple[bool, bool, bool | None, str]:
    """(value-or-error correct, error-vs-value agreement, exact message (errors only), detail)."""
    kind, result = _outcome(case)
    if case.get("error"):
        agree = kind == case["phase"]
        exact = agree and result == case["error_msg"]
        detail = f"want {case['phase']} error {case['error_msg']!r}, got {kind}: {result!r}"
        return exact, agree, exact, detail
    if kind != "value":
        return False, False, None, f"want {case['expect']!r}, got {kind} error {result!r}"
    ok = _same(result, case["expect"]) and _type_ok(result, case.get("expect_type"))
    var = stringify(result)
    ok = ok and var == case["formance_var"]
    ok = ok and filter_matches(result) == case["formance_filter"]
    detail = (
        f"want {case['expect']!r} ({case.get('expect_type')}) var={case['formance_var']!r} "
        f"filter={case['formance_filter']}, got {result!r} var={var!r} "
        f"filter={filter_matches(result)}"
    )
    return ok, True, None, detail


def test_corpus_present_or_skipped() -> None:
    if not CASES:
        pytest.skip("conformance corpus not available (../shared/reference)")
    assert len(CASES) >= 393


def test_conformance_rates() -> None:
    if not CASES:
        pytest.skip("conformance corpus not available (../shared/reference)")
    value_cases = [c for c in CASES if not c.get("error")]
    error_cases = [c for c in CASES if c.get("error")]
    value_ok = sum(1 for c in value_cases if _judge(c)[0])
    agree_ok = sum(1 for c in CASES if _judge(c)[1])
    message_ok = sum(1 for c in error_cases if _judge(c)[2])
    value_rate = value_ok / len(value_cases)
    agree_rate = agree_ok / len(CASES)
    message_rate = message_ok / len(error_cases)
    print(
        f"\nexpr conformance: values {value_ok}/{len(value_cases)} ({value_rate:.1%}), "
        f"error-vs-value {agree_ok}/{len(CASES)} ({agree_rate:.1%}), "
        f"exact error messages {message_ok}/{len(error_cases)} ({message_rate:.1%})"
    )
    assert value_rate >= VALUE_RATE_MIN
    assert agree_rate >= AGREEMENT_RATE_MIN
    assert message_rate >= MESSAGE_RATE_MIN


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expr'][:40]}" for i, c in enumerate(CASES)])
def test_case(case: dict[str, Any]) -> None:
    ok, _, _, detail = _judge(case)
    reason = KNOWN_FAILURES.get(case["expr"])
    if reason is not None:
        assert not ok, f"listed as a known failure ({reason}) but now passes: remove it"
        pytest.xfail(reason)
    assert ok, detail


def test_known_failures_are_in_the_corpus() -> None:
    if not CASES:
        pytest.skip("conformance corpus not available (../shared/reference)")
    exprs = {c["expr"] for c in CASES}
    assert set(KNOWN_FAILURES) <= exprs
