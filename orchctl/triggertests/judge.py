"""Judging a trigger test: what evaluating the trigger on the test's event gave (an
:class:`Observed`, from orchctl's own evaluator or from the stack's test endpoint) against
what the test expects. One judge for ``orchctl test`` and the shadow-trigger gate of
``orchctl apply``, so the stack's answer is held to exactly the same rules.

Rules: ``expect.match`` is compared with whether the filter matched (a runtime error is no
match). Each expected var must equal the var's string as Formance stores it; vars a test
does not name are not checked; a var's evaluation error fails the test only when that var
is expected; vars are not evaluated when the filter did not match.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchctl.api.models import TriggerTestResult
from orchctl.expr import stringify


class TestLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def event(self) -> dict[str, Any]: ...
    @property
    def links(self) -> dict[str, Any] | None: ...
    @property
    def expect_match(self) -> bool | None: ...
    @property
    def expect_vars(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Check:
    """One compared field: ``match`` or ``vars.NAME``.

    With no ``actual`` value, ``error`` is the one-line evaluation error, or ``note`` says why
    there is no value.
    """

    field: str
    expected: str
    actual: str | None
    ok: bool
    error: str | None = None
    note: str | None = None

    def describe(self) -> str:
        """One line: ``vars.amount: expected "100", got "100.5"``."""
        text = f"{self.field}: expected {_show(self.expected)}, got "
        if self.actual is None and self.error is not None:
            return text + f"error: {self.error}"
        text += _show(self.actual)
        if self.actual is None and self.note is not None:
            text += f" ({self.note})"
        return text


def _show(value: str | None) -> str:
    if value is None:
        return "nothing"
    if value in ("true", "false"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    trigger: str
    test: str
    passed: bool
    matched: bool
    filter_error: str | None = None
    vars: dict[str, str] = field(default_factory=dict)
    var_errors: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures that are not field checks
    seconds: float = 0.0
    #: ``file:line:column`` of the test in its YAML file, when the trigger was loaded from one.
    location: str | None = None
    #: The filter's runtime error on one line (``filter: error: ... (at 1:16 in the filter)``).
    filter_problem: str | None = None

    @property
    def failures(self) -> list[str]:
        """One line per problem; the filter's error is added once when something failed."""
        lines = self.problems + [c.describe() for c in self.checks if not c.ok]
        if lines and self.filter_problem is not None:
            lines.append(self.filter_problem)
        return lines


@dataclass
class Report:
    results: list[TestResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def jsonify(value: Any, _depth: int = 0) -> Any:
    """A YAML-loaded value as the JSON the server would receive (timestamps become strings)."""
    if _depth > 500:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonify(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonify(v, _depth + 1) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def expected_string(value: Any) -> str:
    """An expected var as the string to compare with (YAML numbers are JSON numbers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return stringify(value)
    if isinstance(value, int):
        return stringify(float(value)) if abs(value) < 2**53 else str(value)
    if isinstance(value, float) and math.isfinite(value):
        return stringify(value)
    return stringify(jsonify(value))


@dataclass(frozen=True)
class Observed:
    """What evaluating a trigger's filter and vars on one event gave.

    ``filter_brief`` and ``var_briefs`` are the errors on one line, with their place in the
    expression when known; ``filter_error`` and ``var_errors`` the full texts."""

    matched: bool
    filter_error: str | None = None
    filter_brief: str | None = None
    vars: Mapping[str, str] = field(default_factory=dict)
    var_errors: Mapping[str, str] = field(default_factory=dict)
    var_briefs: Mapping[str, str] = field(default_factory=dict)


def observed_on_stack(answer: TriggerTestResult) -> Observed:
    """The stack's answer to ``POST /v2/triggers/{id}/test`` as an :class:`Observed`.

    The service omits ``value`` when it is empty: a var with neither value nor error is the
    empty string. A filter with an error did not match."""
    filter_error = answer.filter.error if answer.filter is not None else None
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, var in (answer.variables or {}).items():
        if var.error:
            errors[name] = var.error
        else:
            values[name] = var.value or ""
    return Observed(
        matched=answer.matched,
        filter_error=filter_error,
        filter_brief=_first_line(filter_error) if filter_error else None,
        vars=values,
        var_errors=errors,
        var_briefs={k: _first_line(v) for k, v in errors.items()},
    )


def judge(
    result: TestResult, test: TestLike, defined_vars: Collection[str], observed: Observed
) -> TestResult:
    """Fill ``result`` (its observations, checks, problems, ``passed``) from ``observed``
    against what ``test`` expects; ``defined_vars`` are the names of the trigger's vars."""
    result.matched = observed.matched
    result.filter_error = observed.filter_error
    if observed.filter_error is not None:
        brief = observed.filter_brief or _first_line(observed.filter_error)
        result.filter_problem = f"filter: error: {brief}"
    result.vars = dict(observed.vars)
    result.var_errors = dict(observed.var_errors)
    if test.expect_match is not None:
        expected = "true" if test.expect_match else "false"
        actual = "true" if result.matched else "false"
        result.checks.append(Check("match", expected, actual, result.matched == test.expect_match))
    for name, raw_expected in (test.expect_vars or {}).items():
        expected = expected_string(raw_expected)
        if name not in defined_vars:
            result.problems.append(f"vars.{name}: the trigger defines no var {name!r}")
        elif not result.matched:
            note = "the filter did not match, so vars are not evaluated"
            result.checks.append(Check(f"vars.{name}", expected, None, False, note=note))
        elif name in observed.var_errors:
            brief = observed.var_briefs.get(name) or _first_line(observed.var_errors[name])
            result.checks.append(Check(f"vars.{name}", expected, None, False, brief))
        else:
            value = result.vars.get(name)
            result.checks.append(Check(f"vars.{name}", expected, value, value == expected))
    if test.expect_match is None and not test.expect_vars:
        result.problems.append("the test expects nothing (give expect.match and/or expect.vars)")
    result.passed = not result.failures
    return result


def _first_line(text: str) -> str:
    lines = text.splitlines()
    return lines[0] if lines else text
