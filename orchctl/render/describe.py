"""The words every renderer uses for a change: headline, reasons, risk, summary."""

from __future__ import annotations

from orchctl.plan.model import Action, Change, Plan
from orchctl.render.redact import Redactor

GAP_RISK = (
    "events between the delete and the create are NOT caught (a gap of two back-to-back "
    "calls); `swap: create-first` overlaps instead, for idempotent workflows"
)
OVERLAP_RISK = "for a moment both triggers fire: matching events start the workflow twice"
REASONS_LISTED = 3  # field-change reasons spelled out before "and N more"


def header(plan: Plan) -> str:
    where = f"environment {plan.environment}"
    if plan.namespace:
        where += f", namespace {plan.namespace}"
    return f"orchctl plan — {where}"


def summary_line(plan: Plan) -> str:
    n = plan.count()
    return f"Plan: {n['create']} to create, {n['replace']} to replace, {n['delete']} to delete."


def subject(change: Change) -> str:
    """``Workflow payin-to-wallet``; a removed duplicate also names the live copy."""
    text = f"{change.kind} {change.name}"
    if change.action is Action.REMOVE_DUPLICATE and change.live_ids:
        text += "  " + ", ".join(change.live_ids)
    return text


def description(change: Change, redact: Redactor) -> str:
    """What happens, in the words of the plan: ``replace, delete-first``."""
    action = change.action
    if action is Action.REPLACE_CREATE_FIRST:
        return (
            "replace: create before destroy"
            if change.kind == "Workflow"
            else "replace, create-first"
        )
    if action is Action.REPLACE_DELETE_FIRST:
        return "replace, delete-first"
    if action in (Action.DELETE, Action.REMOVE_DUPLICATE) and change.reasons:
        return f"{action.word}: " + "; ".join(str(redact(r)) for r in change.reasons)
    return action.word


def reasons(change: Change, redact: Redactor) -> list[str]:
    """Why a replacement happens. Reasons that restate a line of the diff ("stages[2]
    added") are folded into one line, since the diff shows them anyway."""
    if not change.action.is_replace:
        return []
    restated = {f"{c.path} {c.change}" for c in change.diff}
    fields = [r for r in change.reasons if r in restated]
    others = [r for r in change.reasons if r not in restated]
    lines: list[str] = []
    if fields:
        line = ", ".join(str(redact(r)) for r in fields[:REASONS_LISTED])
        if len(fields) > REASONS_LISTED:
            line += f" and {len(fields) - REASONS_LISTED} more"
        lines.append(line)
    lines.extend(str(redact(r)) for r in others)
    return lines


def risk(change: Change) -> str | None:
    if change.kind != "Trigger":
        return None
    if change.action is Action.REPLACE_DELETE_FIRST:
        return GAP_RISK
    if change.action is Action.REPLACE_CREATE_FIRST:
        return OVERLAP_RISK
    return None
