"""A change's field differences, ready to print: values formatted, long strings line-diffed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from orchctl.plan.model import FieldChange
from orchctl.render.redact import Redactor
from orchctl.render.values import flow, is_multiline

LineSign = Literal["+", "-", " ", "…"]


@dataclass(frozen=True)
class FieldDiff:
    """One field: `before`/`after` formatted on one line, or, for a multi-line string
    (a filter), `lines` of a small line diff: (sign, line), "…" between hunks."""

    change: Literal["added", "removed", "changed"]
    path: str
    before: str | None = None
    after: str | None = None
    lines: tuple[tuple[LineSign, str], ...] = ()


def field_diffs(diff: tuple[FieldChange, ...], redact: Redactor) -> list[FieldDiff]:
    return [_field(fc, redact) for fc in diff]


def _field(fc: FieldChange, redact: Redactor) -> FieldDiff:
    path = str(redact(fc.path))
    before: Any = redact(fc.before) if fc.change != "added" else None
    after: Any = redact(fc.after) if fc.change != "removed" else None
    texts = (before, after)
    if any(is_multiline(t) for t in texts) and all(t is None or isinstance(t, str) for t in texts):
        lines = line_diff(before or "", after or "")
        if lines:  # else the difference was redacted away: show the values on one line
            return FieldDiff(fc.change, path, lines=lines)
    return FieldDiff(
        fc.change,
        path,
        before=None if fc.change == "added" else flow(before),
        after=None if fc.change == "removed" else flow(after),
    )


def line_diff(before: str, after: str) -> tuple[tuple[LineSign, str], ...]:
    """A unified diff with one line of context, without its file headers."""
    out: list[tuple[LineSign, str]] = []
    hunks = 0
    raw = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
    for line in list(raw)[2:]:
        if line.startswith("@@"):
            if hunks:
                out.append(("…", ""))
            hunks += 1
        elif line[:1] in ("+", "-", " "):
            sign: LineSign = "+" if line[0] == "+" else "-" if line[0] == "-" else " "
            out.append((sign, line[1:]))
    return tuple(out)


def body_diffs(
    body: dict[str, Any] | None, change: Literal["added", "removed"], redact: Redactor
) -> list[FieldDiff]:
    """A whole body as field lines (what a create adds, a delete removes): one per stage."""
    if body is None:
        return []
    fields: list[FieldChange] = []
    for key, value in body.items():
        items = list(enumerate(value)) if key == "stages" and isinstance(value, list) else []
        if items:
            fields.extend(_whole(f"{key}[{i}]", change, v) for i, v in items)
        else:
            fields.append(_whole(str(key), change, value))
    return [_field(fc, redact) for fc in fields]


def _whole(path: str, change: Literal["added", "removed"], value: Any) -> FieldChange:
    if change == "added":
        return FieldChange(path, "added", after=value)
    return FieldChange(path, "removed", before=value)
