"""How findings are grouped, titled and worded. Loud sections (a trigger that would fire
wrongly, twice, or forever) are always shown, first; quiet ones after. Within a group, the
plan's order."""

from __future__ import annotations

from dataclasses import dataclass

from orchctl.plan.model import Finding


@dataclass(frozen=True)
class Section:
    category: str
    title: str
    mark: str
    loud: bool = False


SECTIONS = (
    Section("blocked", "Blocked: this plan cannot be applied (--force overrides)", "!", True),
    Section("forced", "Accepted with --force: left dangling, still firing", "!", True),
    Section("lookalike", "Lookalikes: not managed, will fire beside the repository's", "!", True),
    Section("dangling", "Dangling triggers (their workflow is gone; they still fire)", "!", True),
    Section("orphan", "Orphans (not in the repository; deleted only with --prune)", "?"),
    Section("unmanaged", "Unmanaged (never touched)", "·"),
)


def by_section(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.category, []).append(finding)
    return groups


def message(finding: Finding) -> str:
    """A finding in words (the plan holds its category and arguments)."""
    category = finding.category
    if category in ("blocked", "forced"):
        shown = finding.workflow_name or finding.workflow_id
        text = (
            f"starts workflow '{shown}' ({finding.workflow_id}), which applying the "
            "repository deletes (replaced or pruned): the trigger would be left dangling, "
            "still firing"
        )
        return text + (" (accepted with --force)" if category == "forced" else "")
    if category == "lookalike":
        why = "same name" if finding.same_name else "same event, filter and vars"
        return (
            f"looks like trigger '{finding.match}' of this repository ({why}) but is not "
            f"managed by orchctl: it keeps firing beside '{finding.match_stack_name}', so "
            "matching events start workflows twice; delete it once the repository's trigger "
            "exists"
        )
    if category == "dangling":
        return f"its workflow {finding.workflow_id} is missing or deleted; it still fires"
    if category == "orphan":
        return (
            f"in namespace '{finding.namespace}' but not in the repository "
            "(deleted only with --prune)"
        )
    return "not managed by orchctl"
