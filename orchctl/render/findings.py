"""How findings are grouped and titled. Loud sections (a trigger that would fire wrongly,
twice, or forever) are always shown, first; quiet ones after. Within a group, the plan's
order."""

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
