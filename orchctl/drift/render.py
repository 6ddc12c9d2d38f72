"""Drift reports as text, JSON and Markdown."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from orchctl import __version__
from orchctl.drift.report import CATEGORIES, DriftItem, DriftReport
from orchctl.plan.model import ReasonCode
from orchctl.render.describe import reason_text
from orchctl.render.findings import message

FORMAT_VERSION = "1"
_COLORS = {"missing": "green", "changed": "yellow", "duplicated": "red", "dangling": "red"}


def detail(item: DriftItem) -> str:
    """What is wrong with one item, in words."""
    if item.finding is not None:
        return message(item.finding)
    if item.copies is not None:
        return f"{item.copies} live copies"
    if item.category == "orphaned":
        return "not in the repository"
    return "; ".join(reason_text(r) for r in item.reasons if r.code is not ReasonCode.LIVE_COPIES)


def _summary(report: DriftReport) -> str:
    if report.in_sync:
        workflows, triggers = report.in_sync_counts
        return (
            f"In sync: {workflows} workflow{'s' if workflows != 1 else ''} and {triggers} "
            f"trigger{'s' if triggers != 1 else ''} match the repository."
        )
    counts = report.count()
    parts = [f"{counts[c]} {c}" for c in CATEGORIES if counts[c] and c != "unmanaged"]
    return "Drift: " + ", ".join(parts) + "."


def render_drift_text(
    report: DriftReport, *, color: bool = False, redact: Callable[[Any], Any] = lambda v: v
) -> str:
    where = f", namespace {report.namespace}" if report.namespace else ""
    lines = [f"orchctl drift — environment {report.environment}{where}", ""]
    width = max((len(f"{i.kind} {i.name}") for i in report.items), default=0)
    for item in report.items:
        label = f"{item.category:<10}"
        if color:
            label = click.style(label, fg=_COLORS.get(item.category), bold=True)
        ids = f" [{', '.join(item.ids)}]" if item.ids else ""
        target = f"{item.kind} {item.name}".ljust(width)
        lines.append(f"  {label} {target}  {redact(detail(item))}{ids}")
    if report.items:
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines)


def drift_to_json(
    report: DriftReport, *, redact: Callable[[Any], Any] = lambda v: v
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "orchctl_version": __version__,
        "environment": report.environment,
        "namespace": report.namespace,
        "in_sync": report.in_sync,
        "summary": report.count(),
        "items": [
            {
                "category": i.category,
                "kind": i.kind,
                "name": i.name,
                "ids": list(i.ids),
                "detail": redact(detail(i)),
            }
            for i in report.items
        ],
    }


def render_drift_json(report: DriftReport, *, redact: Callable[[Any], Any] = lambda v: v) -> str:
    return json.dumps(drift_to_json(report, redact=redact), indent=2)


def _md(text: str) -> str:
    for char, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "'")):
        text = text.replace(char, escaped)
    return text


def render_drift_markdown(
    report: DriftReport, *, redact: Callable[[Any], Any] = lambda v: v, limit: int = 65_536
) -> str:
    icon = ":white_check_mark:" if report.in_sync else ":warning:"
    head = [f"### {icon} orchctl drift — `{_md(report.environment)}`", "", _md(_summary(report))]
    if not report.items:
        return "\n".join(head) + "\n"
    head += ["", "| | kind | name | detail |", "|---|---|---|---|"]
    rows = [
        f"| {i.category} | {i.kind} | {_md(i.name)} | {_md(str(redact(detail(i))))} |"
        for i in report.items
    ]
    out = head[:]
    size = sum(len(line) + 1 for line in out)
    for index, row in enumerate(rows):
        note = f"\n… {len(rows) - index} more not shown; run `orchctl drift` for all.\n"
        if size + len(row) + 1 + len(note) > limit:
            return "\n".join(out) + note
        out.append(row)
        size += len(row) + 1
    return "\n".join(out) + "\n"
