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
from orchctl.triggertests.judge import (
    Check,
    Observed,
    Report,
    TestLike,
    TestResult,
    expected_string,
    jsonify,
    judge,
)

__all__ = [
    "Check",
    "Observed",
    "Report",
    "TestCase",
    "TestLike",
    "TestResult",
    "TriggerLike",
    "TriggerSpec",
    "compile_trigger",
    "evaluate_offline",
    "expected_string",
    "jsonify",
    "run_trigger_tests",
]


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


def location_of(trigger: TriggerLike, test: TestLike) -> str | None:
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


@dataclass(frozen=True)
class CompiledTrigger:
    """A trigger's filter and vars compiled once for all its tests; ``problems`` lists what
    does not compile (then no test of it can run)."""

    filter: Program | None
    has_filter: bool
    vars: Mapping[str, Program | None]
    problems: tuple[str, ...] = ()


def compile_trigger(filter_source: str | None, variables: Mapping[str, str]) -> CompiledTrigger:
    problems: list[str] = []
    filter_program = (
        _compile(filter_source, "filter", problems) if filter_source is not None else None
    )
    var_programs = {
        name: _compile(source, f"vars.{name}", problems) for name, source in variables.items()
    }
    return CompiledTrigger(filter_program, filter_source is not None, var_programs, tuple(problems))


def evaluate_offline(compiled: CompiledTrigger, test: TestLike) -> Observed:
    """Evaluate a compiled trigger on a test's event like the service does."""
    env = {"event": jsonify(test.event)}
    link = _linker(test.links)
    matched = False
    filter_error: str | None = None
    filter_brief: str | None = None
    if not compiled.has_filter:
        matched = True
    elif compiled.filter is not None:
        try:
            matched = filter_matches(compiled.filter.run(env, link=link))
        except ExprRuntimeError as exc:
            filter_error = str(exc)
            filter_brief = _brief(exc, "the filter")
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    briefs: dict[str, str] = {}
    if matched:
        for name, program in compiled.vars.items():
            if program is None:
                continue
            try:
                values[name] = stringify(program.run(env, link=link))
            except ExprRuntimeError as exc:
                errors[name] = str(exc)
                briefs[name] = _brief(exc, "the var")
    return Observed(matched, filter_error, filter_brief, values, errors, briefs)


def run_trigger_tests(triggers: Iterable[TriggerLike]) -> Report:
    """Run every test of every trigger; never raises for expression problems."""
    report = Report()
    for trigger in triggers:
        tests = list(trigger.tests)
        if not tests:
            continue
        compiled = compile_trigger(trigger.filter, trigger.vars or {})
        for test in tests:
            report.results.append(_run_one(trigger, test, compiled))
    return report


def _run_one(trigger: TriggerLike, test: TestLike, compiled: CompiledTrigger) -> TestResult:
    started = time.perf_counter()
    result = TestResult(
        trigger=trigger.name,
        test=test.name,
        passed=False,
        matched=False,
        location=location_of(trigger, test),
    )
    if compiled.problems:
        result.problems.extend(compiled.problems)
    else:
        judge(result, test, compiled.vars, evaluate_offline(compiled, test))
    result.seconds = time.perf_counter() - started
    return result
