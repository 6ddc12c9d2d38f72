"""The terminal plan, Terraform-like: one line per change, then its reasons, risk and diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import yaml

from orchctl.plan.model import Action, Change, Finding, Plan
from orchctl.render import describe
from orchctl.render.diff import FieldDiff, field_diffs
from orchctl.render.findings import SECTIONS, by_section, message
from orchctl.render.redact import Redactor, identity

INDENT = "  "
DETAIL = " " * 8  # reasons, risk and diff lines under a change
MAX_COLUMN = 60  # descriptions line up unless a name is longer than this

_SYMBOL_COLORS = {
    Action.CREATE: "green",
    Action.DELETE: "red",
    Action.REMOVE_DUPLICATE: "red",
    Action.REPLACE_CREATE_FIRST: "yellow",
    Action.REPLACE_DELETE_FIRST: "yellow",
}
_SIGN_COLORS = {"+": "green", "-": "red", "~": "yellow"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, fg: str | None = None, *, bold: bool = False) -> str:
        if not self.enabled or not text:
            return text
        return click.style(text, fg=fg, bold=bold or None)


def render_text(
    plan: Plan,
    *,
    color: bool,
    show_unmanaged: bool = False,
    redact: Callable[[Any], Any] | None = None,
) -> str:
    r = redact or identity
    paint = _Paint(color)
    out = [describe.header(plan), ""]
    shown = [c for c in plan.changes if c.action.changes]
    if shown:
        heads = [_head(c) for c in shown]
        column = min(max(len(h) for h in heads), MAX_COLUMN) + 2
        for change, head in zip(shown, heads, strict=True):
            out.extend(_change(change, head, column, r, paint))
    else:
        out.append("No changes. The stack matches the repository.")
    out.extend(_findings(plan.findings, show_unmanaged, r, paint))
    if shown:
        out.extend(["", paint(describe.summary_line(plan), bold=True)])
    return "\n".join(out)


def _head(change: Change) -> str:
    return f"{INDENT}{change.action.value} {describe.subject(change)}"


def _change(change: Change, head: str, column: int, r: Redactor, paint: _Paint) -> list[str]:
    symbol = change.action.value
    colored = (
        INDENT
        + paint(symbol, _SYMBOL_COLORS.get(change.action))
        + head[len(INDENT) + len(symbol) :]
    )
    words = f"({describe.description(change, r)})"
    if change.action.is_replace:
        words = paint(words, "yellow")
    lines = [colored + " " * max(column - len(head), 2) + words]
    lines.extend(f"{DETAIL}reason: {reason}" for reason in describe.reasons(change, r))
    lines.extend(DETAIL + paint(f"risk: {risk}", "yellow") for risk in describe.risks(change))
    if change.action in (Action.CREATE, Action.DELETE):
        lines.extend(_whole_body(change, r, paint))
        return lines
    for field in field_diffs(change.diff, r):
        lines.extend(_field(field, paint))
    return lines


class _BodyDumper(yaml.SafeDumper):
    """Multi-line strings (filters) as `|` blocks, as they are written in the repository."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BodyDumper.add_representer(str, _represent_str)


def _whole_body(change: Change, r: Redactor, paint: _Paint) -> list[str]:
    """A create's or a delete's whole body, as the YAML a reviewer would write."""
    sign = "+" if change.action is Action.CREATE else "-"
    body = change.after if sign == "+" else change.before
    if body is None:
        return []
    if change.kind == "Trigger" and change.workflow and sign == "+":
        body = {"workflow": change.workflow, **body}
    text = yaml.dump(
        r(body),
        Dumper=_BodyDumper,
        sort_keys=False,
        default_flow_style=False,
        width=2**31 - 1,  # never fold an expression across lines
        allow_unicode=True,
    )
    color = _SIGN_COLORS[sign]
    return [DETAIL + paint(f"{sign} {line}".rstrip(), color) for line in text.splitlines()]


def _field(field: FieldDiff, paint: _Paint) -> list[str]:
    sign = {"added": "+", "removed": "-", "changed": "~"}[field.change]
    color = _SIGN_COLORS[sign]
    if field.lines:
        lines = [DETAIL + paint(f"{sign} {field.path}:", color)]
        for line_sign, line in field.lines:
            text = "…" if line_sign == "…" else f"{line_sign} {line}".rstrip()
            lines.append(DETAIL + "  " + paint(text, _SIGN_COLORS.get(line_sign)))
        return lines
    if field.change == "added":
        text = f"+ {field.path}: {field.after}"
    elif field.change == "removed":
        text = f"- {field.path}: {field.before}"
    else:
        text = f"~ {field.path}: {field.before} -> {field.after}"
    return [DETAIL + paint(text, color)]


def _findings(
    findings: tuple[Finding, ...], show_unmanaged: bool, r: Redactor, paint: _Paint
) -> list[str]:
    out: list[str] = []
    groups = by_section(findings)
    for section in SECTIONS:
        group = groups.get(section.category, [])
        if not group:
            continue
        if section.category == "unmanaged" and not show_unmanaged:
            noun = "object" if len(group) == 1 else "objects"
            out.extend(["", f"{len(group)} unmanaged {noun} not shown (--show-unmanaged)."])
            continue
        loud = section.loud
        out.extend(["", paint(section.title + ":", "red" if loud else None, bold=loud)])
        for finding in group:
            line = f"{INDENT}{section.mark} {finding.kind} {finding.name}  {finding.id}: "
            line += str(r(message(finding)))
            out.append(paint(line, "red") if loud else line)
    return out
