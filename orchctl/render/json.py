"""The plan as a versioned JSON document for machines (``schemas/plan.schema.json``).

Unlike the text and markdown plans, every change is listed, no-ops included, so a
consumer sees the whole comparison. Mapping keys of bodies are sorted: the document does
not depend on the order in which the server returned fields.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from orchctl import __version__
from orchctl.plan.model import Action, Change, FieldChange, Finding, Plan, Reason, Risk
from orchctl.render.describe import reason_text, risk_text
from orchctl.render.findings import message
from orchctl.render.redact import Redactor, identity

ACTION_NAMES = {
    Action.CREATE: "create",
    Action.DELETE: "delete",
    Action.REPLACE_DELETE_FIRST: "replace",
    Action.REPLACE_CREATE_FIRST: "replace",
    Action.REMOVE_DUPLICATE: "remove-duplicate",
    Action.NOOP: "no-op",
}


def plan_to_json(plan: Plan, *, redact: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    r = redact or identity
    no_op = sum(1 for c in plan.changes if c.action is Action.NOOP)
    return {
        "format_version": plan.format_version,
        "orchctl_version": __version__,
        "environment": plan.environment,
        "namespace": plan.namespace,
        "summary": {**plan.count(), "no_op": no_op},
        "changes": [_change(c, r) for c in plan.changes],
        "findings": [_finding(f, r) for f in plan.findings],
        "options": dict(sorted(asdict(plan.options).items())),
    }


def render_json(plan: Plan, *, redact: Callable[[Any], Any] | None = None) -> str:
    return json.dumps(plan_to_json(plan, redact=redact), indent=2, ensure_ascii=False)


def _change(change: Change, r: Redactor) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "name": change.name,
        "stack_name": change.stack_name,
        "action": ACTION_NAMES[change.action],
        "symbol": change.action.value,
        "swap": change.swap,
        "reasons": [str(r(reason_text(reason))) for reason in change.reasons],
        "reason_codes": [_reason(reason, r) for reason in change.reasons],
        "risks": [_risk(risk) for risk in change.risks],
        "before": _data(r(change.before)),
        "after": _data(r(change.after)),
        "diff": [_field(fc, r) for fc in change.diff],
        "live_ids": list(change.live_ids),
        "workflow": change.workflow,
    }


def _field(fc: FieldChange, r: Redactor) -> dict[str, Any]:
    return {
        "path": str(r(fc.path)),
        "change": fc.change,
        "before": _data(r(fc.before)),
        "after": _data(r(fc.after)),
    }


def _reason(reason: Reason, r: Redactor) -> dict[str, Any]:
    """The code and its arguments (only those set), as in `schemas/plan.schema.json`."""
    out: dict[str, Any] = {"code": reason.code.value}
    for key in ("path", "change", "workflow", "id", "count"):
        value = getattr(reason, key)
        if value is not None:
            out[key] = r(value) if key == "path" else value
    return out


def _risk(risk: Risk) -> dict[str, Any]:
    out: dict[str, Any] = {"code": risk.code.value, "message": risk_text(risk)}
    if risk.event is not None:
        out["event"] = risk.event
    if risk.workflow is not None:
        out["workflow"] = risk.workflow
    return out


def _finding(finding: Finding, r: Redactor) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "name": finding.name,
        "id": finding.id,
        "category": finding.category,
        "message": str(r(message(finding))),
    }


def _data(value: Any) -> Any:
    """JSON-ready: mappings with sorted string keys, tuples as lists, odd scalars as text."""
    if isinstance(value, dict):
        return {str(k): _data(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and infinities are not JSON
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
