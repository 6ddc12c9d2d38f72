"""The words every renderer uses for a change: headline, reasons, risks, summary.

The plan holds codes (`ReasonCode`, `RiskCode`); this module alone turns them into words.
"""

from __future__ import annotations

from orchctl.plan.model import Action, Change, Plan, Reason, ReasonCode, Risk, RiskCode
from orchctl.render.redact import Redactor

GAP_RISK = (
    "events between the delete and the create are NOT caught (a gap of two back-to-back "
    "calls); `swap: create-first` overlaps instead, for idempotent workflows"
)
OVERLAP_RISK = "for a moment both triggers fire: matching events start the workflow twice"
REASONS_LISTED = 3  # field-change reasons spelled out before "and N more"
_OBJECTS = {"SAVED_PAYMENT": "payments", "SAVED_ACCOUNT": "accounts"}


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


def reason_text(reason: Reason) -> str:
    """One reason in words."""
    code = reason.code
    if code is ReasonCode.FIELD:
        return f"{reason.path} {reason.change}"
    if code is ReasonCode.NOT_ON_STACK:
        return "not on the stack"
    if code is ReasonCode.LIVE_COPIES:
        return f"{reason.count} live copies, all replaced"
    if code is ReasonCode.DANGLING:
        return f"its workflow {reason.id} is missing or deleted (dangling)"
    if code is ReasonCode.WORKFLOW_REPLACED:
        return f"workflow {reason.workflow} replaced"
    if code is ReasonCode.WORKFLOW_CREATED:
        return f"workflow {reason.workflow} created"
    if code is ReasonCode.OTHER_WORKFLOW_COPY:
        return f"starts another copy of workflow {reason.workflow} ({reason.id})"
    if code is ReasonCode.VERSION_ADDED:
        return (
            "servers older than 2025 drop a trigger's `version`: if this replacement is "
            "planned again after apply, the stack cannot keep it; remove `version`"
        )
    if code is ReasonCode.VERSION_UNSUPPORTED:
        return (
            "the server predates trigger versions (it dropped `version` when orchctl created "
            "this trigger): `version` is ignored on this stack; remove it"
        )
    if code is ReasonCode.PRUNE:
        return "not in the repository (prune)"
    if code is ReasonCode.EXTRA_COPY:
        return f"extra live copy (keeping {reason.id})"
    return f"stale live copy, differs from the repository (keeping {reason.id})"


def risk_text(risk: Risk) -> str:
    """One risk in words."""
    if risk.code is RiskCode.GAP:
        return GAP_RISK
    if risk.code is RiskCode.OVERLAP:
        return OVERLAP_RISK
    objects = _OBJECTS.get(risk.event or "", "objects")
    return (
        f"once-per-object memory lost: {objects} saved again after the swap that still match "
        f"start workflow {risk.workflow} a second time (the service remembers processed "
        f"{objects} per trigger id, and the replacement has a new one)"
    )


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
        return f"{action.word}: " + "; ".join(str(redact(reason_text(r))) for r in change.reasons)
    return action.word


def reasons(change: Change, redact: Redactor) -> list[str]:
    """Why a replacement happens. Field reasons ("stages[2] added") are folded into one
    line, since the diff shows them anyway."""
    if not change.action.is_replace:
        return []
    fields = [r for r in change.reasons if r.code is ReasonCode.FIELD]
    others = [r for r in change.reasons if r.code is not ReasonCode.FIELD]
    lines: list[str] = []
    if fields:
        line = ", ".join(str(redact(reason_text(r))) for r in fields[:REASONS_LISTED])
        if len(fields) > REASONS_LISTED:
            line += f" and {len(fields) - REASONS_LISTED} more"
        lines.append(line)
    lines.extend(str(redact(reason_text(r))) for r in others)
    return lines


def risks(change: Change) -> list[str]:
    return [risk_text(r) for r in change.risks]
