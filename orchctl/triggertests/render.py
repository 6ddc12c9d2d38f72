"""Text and JUnit XML output of trigger test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from orchctl.triggertests.runner import Report, TestResult

SEPARATOR = " \u203a "
INDENT = " " * len("FAIL ")


def _identity(text: str, **_: object) -> str:
    return text


def render_text(
    report: Report, style: Callable[..., str] = _identity, *, verbose: bool = False
) -> list[str]:
    """``PASS trigger › test``, or ``FAIL trigger › test`` and indented lines: where the test is
    written, then one line per problem; then a summary line."""
    lines: list[str] = []
    for result in report.results:
        label = f"{result.trigger}{SEPARATOR}{result.test}"
        if result.passed:
            line = style("PASS", fg="green", bold=True) + " " + label
            if result.filter_error:
                line += f" (filter error, counted as no match: {_first_line(result.filter_error)})"
            lines.append(line)
        else:
            lines.append(style("FAIL", fg="red", bold=True) + f" {label}")
            if result.location:
                lines.append(INDENT + result.location)
            lines.extend(INDENT + _first_line(f) for f in result.failures)
        if verbose:
            lines.extend(_details(result))
    summary = f"{report.passed} passed, {report.failed} failed"
    lines.append(style(summary, fg="red" if report.failed else "green", bold=True))
    return lines


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


def _details(result: TestResult) -> list[str]:
    out = [f"{INDENT}match: {'true' if result.matched else 'false'}"]
    if result.filter_error:
        out.append(f"{INDENT}filter error: " + result.filter_error.replace("\n", "\n" + INDENT))
    for name, value in sorted(result.vars.items()):
        out.append(f"{INDENT}vars.{name} = {value!r}")
    for name, error in sorted(result.var_errors.items()):
        out.append(f"{INDENT}vars.{name} error: " + error.replace("\n", "\n" + INDENT))
    return out


def junit_xml(report: Report) -> ET.ElementTree[ET.Element]:
    """JUnit XML: one <testsuite> per trigger, one <testcase> per test."""
    root = ET.Element("testsuites", name="orchctl test")
    suites: dict[str, ET.Element] = {}
    for result in report.results:
        suite = suites.get(result.trigger)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=result.trigger)
            suites[result.trigger] = suite
        case = ET.SubElement(
            suite,
            "testcase",
            name=result.test,
            classname=result.trigger,
            time=f"{result.seconds:.6f}",
        )
        if not result.passed:
            failure = ET.SubElement(
                case, "failure", message="; ".join(_first_line(f) for f in result.failures)
            )
            failure.text = "\n".join(
                ([result.location] if result.location else []) + result.failures
            )
    for trigger, suite in suites.items():
        results = [r for r in report.results if r.trigger == trigger]
        suite.set("tests", str(len(results)))
        suite.set("failures", str(sum(1 for r in results if not r.passed)))
        suite.set("errors", "0")
        suite.set("time", f"{sum(r.seconds for r in results):.6f}")
    root.set("tests", str(len(report.results)))
    root.set("failures", str(report.failed))
    root.set("errors", "0")
    return ET.ElementTree(root)


def write_junit(report: Report, path: str) -> None:
    tree = junit_xml(report)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
