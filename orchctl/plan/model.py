"""The plan: a fixed set of actions, each change with its reasons. Plain data, no rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

Kind = Literal["Workflow", "Trigger"]
FORMAT_VERSION = "1"


class Action(Enum):
    """What happens to one definition's live objects. The value is the plan symbol."""

    CREATE = "+"
    DELETE = "-"
    REPLACE_DELETE_FIRST = "-/+"  # triggers with swap: delete-first (a gap)
    REPLACE_CREATE_FIRST = "+/-"  # workflows always; triggers with swap: create-first (an overlap)
    REMOVE_DUPLICATE = "x"  # an extra live copy of a managed object
    NOOP = "="

    @property
    def word(self) -> str:
        return _WORDS[self]

    @property
    def changes(self) -> bool:
        return self is not Action.NOOP

    @property
    def is_replace(self) -> bool:
        return self in (Action.REPLACE_DELETE_FIRST, Action.REPLACE_CREATE_FIRST)


_WORDS = {
    Action.CREATE: "create",
    Action.DELETE: "delete",
    Action.REPLACE_DELETE_FIRST: "replace",
    Action.REPLACE_CREATE_FIRST: "replace",
    Action.REMOVE_DUPLICATE: "remove duplicate",
    Action.NOOP: "no-op",
}


@dataclass(frozen=True)
class FieldChange:
    """One difference inside an object: `path` like ``stages[2].send.amount.asset``."""

    path: str
    change: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class Change:
    kind: Kind
    name: str  # the plain definition name (never the stack name)
    action: Action
    reasons: tuple[str, ...] = ()
    stack_name: str = ""
    before: dict[str, Any] | None = None  # the live object's body (one of live_ids)
    after: dict[str, Any] | None = None  # the desired body
    live_ids: tuple[str, ...] = ()  # live objects this change deletes or keeps
    diff: tuple[FieldChange, ...] = ()
    swap: str | None = None  # for trigger replacements
    workflow: str | None = None  # a trigger's workflow (plain name)


@dataclass(frozen=True)
class Finding:
    """Something about the live state worth saying that no action fixes (or that blocks)."""

    kind: Kind
    name: str  # stack name as found
    id: str
    category: Literal["blocked", "forced", "lookalike", "dangling", "orphan", "unmanaged"]
    message: str


@dataclass(frozen=True)
class Plan:
    environment: str
    namespace: str | None
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...] = ()
    fingerprints: dict[str, str] = field(default_factory=dict)  # live id -> content digest
    options: dict[str, bool] = field(default_factory=dict)
    format_version: str = FORMAT_VERSION

    @property
    def blocked(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.category == "blocked")

    @property
    def has_changes(self) -> bool:
        return any(c.action.changes for c in self.changes)

    def count(self) -> dict[str, int]:
        counts = {"create": 0, "replace": 0, "delete": 0}
        for change in self.changes:
            if change.action is Action.CREATE:
                counts["create"] += 1
            elif change.action.is_replace:
                counts["replace"] += 1
            elif change.action in (Action.DELETE, Action.REMOVE_DUPLICATE):
                counts["delete"] += 1
        return counts
