"""Run trigger tests the way Formance evaluates triggers (SERVER_BEHAVIOR "Triggers at run time").

For each test: the filter is evaluated on ``{"event": event}``; it matches only when the result
is ``true`` (a runtime error is no match, reported). No filter matches. Vars are evaluated only
when the filter matched (or there is none), each stringified as Formance stores it. Expected vars
must equal those strings; vars a test does not name are not checked, and a var's evaluation error
fails the test only when that var is expected.

Triggers and tests are read through attributes, so both :class:`TriggerSpec`/:class:`TestCase`
and the loader's ``Trigger``/``TriggerTest`` work.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchctl.expr import (
    ExprCompileError,
    ExprRuntimeError,
    Program,
    compile_expr,
    filter_matches,
    stringify,
)


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


class TriggerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def filter(self) -> str | None: ...
    @property
    def vars(self) -> dict[str, str]: ...
    @property
    def tests(self) -> Iterable[Any]: ...


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # not a pytest test class

    name: str
    event: dict[str, Any]
    links: dict[str, Any] | None = None
    expect_match: bool | None = None
    expect_vars: dict[str, Any] | None = None


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    filter: str | None = None
    vars: dict[str, str] = field(default_factory=dict)
    tests: tuple[TestCase, ...] = ()


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


def _linker(links: Mapping[str, Any] | None) -> Any:
    """A test's ``links:`` keys are relation names (``account: {...}``) or, like the
    service, the ``uri`` of the event's link of that name (``event.links: [{name, uri}]``);
    either maps to the resource's ``data``. With the event's links given, the service's
    errors apply: no link of that name, or several."""
    resources = {str(k): jsonify(v) for k, v in (links or {}).items()}

    def link(obj: Any, rel: str) -> Any:
        if rel in resources:
            return resources[rel]
        listed = obj.get("links") if isinstance(obj, dict) else None
        if isinstance(listed, list):
            uris = [
                item.get("uri")
                for item in listed
                if isinstance(item, dict) and item.get("name") == rel
            ]
            if not uris:
                raise ExprRuntimeError(f"link(): link '{rel}' not defined for object")
            if len(uris) > 1:
                raise ExprRuntimeError(f"link(): multiple link '{rel}' found for object")
            if isinstance(uris[0], str) and uris[0] in resources:
                return resources[uris[0]]
        known = ", ".join(sorted(resources)) or "none"
        raise ExprRuntimeError(
            f"link(): no linked resource {rel!r} provided in the test's links (given: {known})"
        )

    return link


def _brief(exc: ExprCompileError | ExprRuntimeError, where: str) -> str:
    """An expr error on one line: its message and, when known, its place in the expression."""
    lines = exc.message.splitlines()
    text = lines[0] if lines else exc.message
    if exc.line:
        text += f" (at {exc.line}:{exc.column} in {where})"
    return text


def _where(what: str) -> str:
    return "the filter" if what == "filter" else "the var"


def _location(trigger: TriggerLike, test: TestLike) -> str | None:
    """Where the test is written (the loader's triggers have an ``origin``, tests an ``index``)."""
    origin = getattr(trigger, "origin", None)
    index = getattr(test, "index", None)
    if origin is None or not isinstance(index, int):
        return None
    mark = origin.mark(("tests", index))
    return f"{origin.file}:{mark.line}:{mark.column}"


def _compile(source: str, what: str, problems: list[str]) -> Program | None:
    try:
        return compile_expr(source)
    except ExprCompileError as exc:
        problems.append(f"{what}: does not compile: {_brief(exc, _where(what))}")
        return None


def run_trigger_tests(triggers: Iterable[TriggerLike]) -> Report:
    """Run every test of every trigger; never raises for expression problems."""
    report = Report()
    for trigger in triggers:
        tests = list(trigger.tests)
        if not tests:
            continue
        compile_problems: list[str] = []
        filter_program = (
            _compile(trigger.filter, "filter", compile_problems)
            if trigger.filter is not None
            else None
        )
        var_programs: dict[str, Program | None] = {
            name: _compile(source, f"vars.{name}", compile_problems)
            for name, source in (trigger.vars or {}).items()
        }
        for test in tests:
            report.results.append(
                _run_one(trigger, test, filter_program, var_programs, compile_problems)
            )
    return report


def _run_one(
    trigger: TriggerLike,
    test: TestLike,
    filter_program: Program | None,
    var_programs: Mapping[str, Program | None],
    compile_problems: list[str],
) -> TestResult:
    started = time.perf_counter()
    result = TestResult(
        trigger=trigger.name,
        test=test.name,
        passed=False,
        matched=False,
        location=_location(trigger, test),
    )
    var_briefs: dict[str, str] = {}
    if compile_problems:
        result.problems.extend(compile_problems)
        result.seconds = time.perf_counter() - started
        return result
    env = {"event": jsonify(test.event)}
    link = _linker(test.links)
    if trigger.filter is None:
        result.matched = True
    elif filter_program is not None:
        try:
            result.matched = filter_matches(filter_program.run(env, link=link))
        except ExprRuntimeError as exc:
            result.filter_error = str(exc)
            result.filter_problem = f"filter: error: {_brief(exc, 'the filter')}"
    if result.matched:
        for name, program in var_programs.items():
            if program is None:
                continue
            try:
                result.vars[name] = stringify(program.run(env, link=link))
            except ExprRuntimeError as exc:
                result.var_errors[name] = str(exc)
                var_briefs[name] = _brief(exc, "the var")
    if test.expect_match is not None:
        expected = "true" if test.expect_match else "false"
        actual = "true" if result.matched else "false"
        result.checks.append(Check("match", expected, actual, result.matched == test.expect_match))
    for name, raw_expected in (test.expect_vars or {}).items():
        expected = expected_string(raw_expected)
        if name not in var_programs:
            result.problems.append(f"vars.{name}: the trigger defines no var {name!r}")
        elif not result.matched:
            note = "the filter did not match, so vars are not evaluated"
            result.checks.append(Check(f"vars.{name}", expected, None, False, note=note))
        elif name in var_briefs:
            result.checks.append(Check(f"vars.{name}", expected, None, False, var_briefs[name]))
        else:
            value = result.vars.get(name)
            result.checks.append(Check(f"vars.{name}", expected, value, value == expected))
    if test.expect_match is None and not test.expect_vars:
        result.problems.append("the test expects nothing (give expect.match and/or expect.vars)")
    result.passed = not result.failures
    result.seconds = time.perf_counter() - started
    return result
