"""The plan for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

Summary first (the Plan line, a table of counts, blocking findings as a warning), then
one collapsible section per change with its diff. The whole is never longer than `limit`
characters (GitHub refuses comments over 65,536): sections are dropped from the end and a
note says how many and where the full plan is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orchctl.plan.model import Action, Change, Finding, Plan
from orchctl.render import describe
from orchctl.render.diff import FieldDiff, body_diffs, field_diffs
from orchctl.render.escape import escape, fence
from orchctl.render.findings import SECTIONS, by_section, message
from orchctl.render.redact import Redactor, identity

GITHUB_LIMIT = 65_536
MAX_DIFF_LINES = 200  # per change; the rest is counted, not shown
MAX_LINE = 1_000  # characters of one diff line
MAX_FINDINGS = 50  # per category, in the summary


def render_markdown(
    plan: Plan,
    *,
    redact: Callable[[Any], Any] | None = None,
    limit: int = GITHUB_LIMIT,
    full_plan_hint: str | None = None,
) -> str:
    r = redact or identity
    head = _head(plan, r)
    sections = [_section(c, r) for c in plan.changes if c.action.changes]
    where = full_plan_hint or "the job log"

    def note(left: int) -> str:
        noun = "change" if left == 1 else "changes"
        return f"… {left} more {noun} not shown; the full plan is in {where}.\n"

    out = head
    for shown, section in enumerate(sections):
        left_after = len(sections) - shown - 1
        if len(out) + len(section) + (len(note(left_after)) if left_after else 0) > limit:
            out += note(len(sections) - shown)
            break
        out += section
    out = out.rstrip("\n")  # like the other renderers: the caller ends the line
    return out if len(out) <= limit else _cut(out, limit, note(len(sections)).rstrip("\n"))


def _cut(text: str, limit: int, tail: str) -> str:
    """Last resort (a head alone over the limit): cut, and say so if there is room."""
    if len(tail) >= limit:
        return text[:limit]
    return text[: limit - len(tail)] + tail


def _head(plan: Plan, r: Redactor) -> str:
    where = f"environment <code>{escape(plan.environment)}</code>"
    if plan.namespace:
        where += f", namespace <code>{escape(plan.namespace)}</code>"
    lines = [f"### orchctl plan — {where}", ""]
    if plan.has_changes:
        n = plan.count()
        no_op = sum(1 for c in plan.changes if c.action is Action.NOOP)
        lines += [
            f"**{describe.summary_line(plan)}**",
            "",
            "| to create | to replace | to delete | unchanged |",
            "|---:|---:|---:|---:|",
            f"| {n['create']} | {n['replace']} | {n['delete']} | {no_op} |",
            "",
        ]
    else:
        lines += ["**No changes.** The stack matches the repository.", ""]
    lines += _findings(plan.findings, r)
    return "\n".join(lines) + "\n"


def _findings(findings: tuple[Finding, ...], r: Redactor) -> list[str]:
    groups = by_section(findings)
    lines: list[str] = []
    for section in SECTIONS:
        loud = groups.get(section.category, []) if section.loud else []
        if loud:
            lines += ["> [!WARNING]", f"> **{escape(section.title)}:**"]
            lines += [f"> - {item}" for item in _items(loud, r)]
            lines.append("")
    quiet = [s for s in SECTIONS if not s.loud and groups.get(s.category)]
    if quiet:
        counts = ", ".join(_count(len(groups[s.category]), s.category) for s in quiet)
        lines += [f"<details><summary>Findings: {counts}</summary>", ""]
        for section in quiet:
            lines.append(f"**{escape(section.title)}:**")
            lines += [f"- {item}" for item in _items(groups[section.category], r)]
            lines.append("")
        lines += ["</details>", ""]
    return lines


def _count(n: int, category: str) -> str:
    return f"{n} {category}s" if category == "orphan" and n != 1 else f"{n} {category}"


def _items(findings: list[Finding], r: Redactor) -> list[str]:
    items = [
        f"{f.kind} <b>{escape(f.name)}</b> (<code>{escape(f.id)}</code>): "
        + escape(str(r(message(f))))
        for f in findings[:MAX_FINDINGS]
    ]
    if len(findings) > MAX_FINDINGS:
        items.append(f"… and {len(findings) - MAX_FINDINGS} more")
    return items


def _section(change: Change, r: Redactor) -> str:
    title = f"<code>{escape(change.action.value)}</code> {change.kind} <b>{escape(change.name)}</b>"
    if change.action is Action.REMOVE_DUPLICATE and change.live_ids:
        title += " <code>" + escape(", ".join(change.live_ids)) + "</code>"
    title += " — " + escape(describe.description(change, r))
    lines = [f"<details><summary>{title}</summary>", ""]
    notes = [f"- reason: {escape(reason)}" for reason in describe.reasons(change, r)]
    notes.extend(f"- **risk:** {escape(risk)}" for risk in describe.risks(change))
    if notes:
        lines += [*notes, ""]
    diff = _diff_lines(change, r)
    if diff:
        body = "\n".join(diff)
        marks = fence(body)
        lines += [f"{marks}diff", body, marks, ""]
    lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def _diff_lines(change: Change, r: Redactor) -> list[str]:
    if change.diff:
        fields = field_diffs(change.diff, r)
    elif change.action is Action.CREATE:
        fields = body_diffs(change.after, "added", r)
    elif change.action is Action.DELETE:
        fields = body_diffs(change.before, "removed", r)
    else:
        fields = []
    lines = [line for field in fields for line in _field(field)]
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"… {hidden} more lines"]
    return [line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…" for line in lines]


def _field(field: FieldDiff) -> list[str]:
    """Lines of a ``diff`` block: a changed value is a removed line and an added one."""
    if field.lines:
        sign = {"added": "+", "removed": "-", "changed": " "}[field.change]
        out = [f"{sign} {field.path}:"]
        out += ["  …" if s == "…" else f"{s}   {line}".rstrip() for s, line in field.lines]
        return out
    out = []
    if field.before is not None:
        out.append(f"- {field.path}: {field.before}")
    if field.after is not None:
        out.append(f"+ {field.path}: {field.after}")
    return out
