"""How findings are grouped and titled: blocked first (loud), then dangling, orphans,
unmanaged. Within a group, the plan's order."""

from __future__ import annotations

from dataclasses import dataclass

from orchctl.plan.model import Finding


@dataclass(frozen=True)
class Section:
    category: str
    title: str
    mark: str


SECTIONS = (
    Section("blocked", "Blocked: this plan cannot be applied (--force overrides)", "!"),
    Section("dangling", "Dangling triggers (their workflow is gone; they still fire)", "!"),
    Section("orphan", "Orphans (not in the repository; deleted only with --prune)", "?"),
    Section("unmanaged", "Unmanaged (never touched)", "·"),
)


def by_section(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.category, []).append(finding)
    return groups
