"""The typed events of an apply (`orchctl apply -o json`, one a line;
`schemas/apply-events.schema.json`), and the report of `.orchctl/last-apply.json`.

Plain data built from steps and outcomes: the text output is made from the same events
(`render/apply.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orchctl import __version__
from orchctl.apply.executor import Outcome, summary_counts
from orchctl.apply.steps import Step
from orchctl.errors import OrchctlError
from orchctl.plan.model import Plan

if TYPE_CHECKING:
    from orchctl.apply.engine import ApplyReport, SwapWindow

FORMAT_VERSION = "1"


def _event(event_type: str, /, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "format_version": FORMAT_VERSION, **fields}


def _step(step: Step) -> dict[str, Any]:
    return {
        "step": step.key,
        "action": step.kind.value,
        "kind": step.kind.kind or None,
        "name": step.name or None,
        "ids": list(step.ids),
    }


def apply_start(plan: Plan, steps: Sequence[Step], parallelism: int) -> dict[str, Any]:
    return _event(
        "apply_start",
        orchctl_version=__version__,
        environment=plan.environment,
        namespace=plan.namespace,
        plan=plan.count(),
        steps=len(steps),
        parallelism=parallelism,
    )


def step_start(step: Step) -> dict[str, Any]:
    return _event("step_start", **_step(step))


def error_text(error: BaseException | None) -> str:
    if error is None:
        return ""
    if isinstance(error, OrchctlError):
        return error.message
    text = str(error) or type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__


def step_finish(outcome: Outcome) -> dict[str, Any]:
    seconds = (
        round(outcome.finished - outcome.started, 6)
        if outcome.started is not None and outcome.finished is not None
        else None
    )
    if outcome.status == "failed":
        return _event(
            "step_errored", **_step(outcome.step), error=error_text(outcome.error), seconds=seconds
        )
    result = outcome.result
    return _event(
        "step_complete",
        **_step(outcome.step),
        created=list(result.created) if result else [],
        deleted=list(result.deleted) if result else [],
        seconds=seconds,
    )


def swap_window(window: SwapWindow) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": window.name,
        "swap": window.swap,
        "seconds": window.seconds,
        "old_ids": list(window.old_ids),
        "new_id": window.new_id,
    }
    if window.occurrences is not None:
        fields["occurrences"] = {"old": window.occurrences[0], "new": window.occurrences[1]}
        fields["both_started"] = list(window.both)
    return _event("swap_window", **fields)


def _entry(outcome: Outcome) -> dict[str, Any]:
    ids = list(outcome.step.ids)
    if outcome.result is not None:
        ids = sorted(set(ids) | set(outcome.result.created))
    entry: dict[str, Any] = {"status": outcome.status, **_step(outcome.step), "ids": ids}
    if outcome.status == "failed":
        entry["error"] = error_text(outcome.error)
    return entry


def change_summary(report: ApplyReport) -> dict[str, Any]:
    counts = summary_counts(report.outcomes)
    return _event(
        "change_summary",
        status="complete" if report.ok else "failed",
        **report.counts(),
        steps={
            "done": counts["done"],
            "failed": counts["failed"],
            "not_started": counts["not-started"],
        },
        seconds=round(report.seconds, 3),
        outcomes=[_entry(o) for o in report.outcomes],
        cleaned_up=list(report.cleaned_up),
        shadow_failures={k: list(v) for k, v in report.shadow_failures.items()},
        unversioned=list(report.unversioned),
    )


def report_document(report: ApplyReport, target: str) -> dict[str, Any]:
    summary = change_summary(report)
    summary.pop("type")
    return {"kind": "orchctl-last-apply", "target": target, **summary}
