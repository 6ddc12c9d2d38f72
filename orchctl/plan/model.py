"""The plan: a fixed set of actions, each change with its reasons and risks. Plain data.

Reasons and risks are codes with arguments (Terraform's `ActionReason`): they explain a
change and are turned into words only in `orchctl/render/`. Decisions (drift categories,
the apply order) are taken from actions and codes, never from words.
"""

from __future__ import annotations

from collections.abc import Sequence
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


class ReasonCode(Enum):
    """Why a change happens. The value is the stable code of `plan -o json`."""

    FIELD = "field"  # path, change: one difference of the body
    NOT_ON_STACK = "not-on-stack"
    LIVE_COPIES = "live-copies"  # count: several live copies, all replaced
    DANGLING = "dangling"  # id: the live trigger's workflow is missing or deleted
    WORKFLOW_REPLACED = "workflow-replaced"  # workflow: the trigger follows its workflow
    WORKFLOW_CREATED = "workflow-created"  # workflow
    OTHER_WORKFLOW_COPY = "other-workflow-copy"  # workflow, id: starts another live copy
    VERSION_ADDED = "version-added"  # `version` is new: old servers drop it
    VERSION_UNSUPPORTED = "version-unsupported"  # the server dropped `version` on create
    PRUNE = "prune"  # not in the repository
    EXTRA_COPY = "extra-copy"  # id: the kept copy
    STALE_COPY = "stale-copy"  # id: the kept copy


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    path: str | None = None  # FIELD
    change: str | None = None  # FIELD: added / removed / changed
    workflow: str | None = None  # WORKFLOW_*, OTHER_WORKFLOW_COPY: a plain workflow name
    id: str | None = None  # DANGLING, OTHER_WORKFLOW_COPY: a workflow id; *_COPY: kept id
    count: int | None = None  # LIVE_COPIES


class RiskCode(Enum):
    """What applying a change may cost, beyond the change itself."""

    GAP = "gap"  # delete-first swap: events between the two calls are not caught
    OVERLAP = "overlap"  # create-first swap: for a moment both triggers fire
    # SAVED_PAYMENT / SAVED_ACCOUNT: the service remembers processed objects per trigger id;
    # the replacement has a new id, so objects saved again that still match run again.
    ONCE_PER_OBJECT_RESET = "once-per-object-reset"


@dataclass(frozen=True)
class Risk:
    code: RiskCode
    event: str | None = None  # ONCE_PER_OBJECT_RESET: SAVED_PAYMENT or SAVED_ACCOUNT
    workflow: str | None = None  # ONCE_PER_OBJECT_RESET: the workflow started again


ONCE_PER_OBJECT_EVENTS = ("SAVED_PAYMENT", "SAVED_ACCOUNT")


@dataclass(frozen=True)
class Change:
    kind: Kind
    name: str  # the plain definition name (never the stack name)
    action: Action
    reasons: tuple[Reason, ...] = ()
    stack_name: str = ""
    before: dict[str, Any] | None = None  # the live object's body (one of live_ids)
    after: dict[str, Any] | None = None  # the desired body
    live_ids: tuple[str, ...] = ()  # live objects this change deletes or keeps
    diff: tuple[FieldChange, ...] = ()
    swap: str | None = None  # for trigger replacements
    workflow: str | None = None  # a trigger's workflow (plain name)
    risks: tuple[Risk, ...] = ()

    def has_reason(self, *codes: ReasonCode) -> bool:
        return any(r.code in codes for r in self.reasons)


FindingCategory = Literal["blocked", "forced", "lookalike", "dangling", "orphan", "unmanaged"]
FINDING_CATEGORIES: tuple[FindingCategory, ...] = (
    "blocked",
    "forced",
    "lookalike",
    "dangling",
    "orphan",
    "unmanaged",
)


@dataclass(frozen=True)
class Finding:
    """Something about the live state worth saying that no action fixes (or that blocks).
    The category is the code; the other fields are its arguments (words: `render/`)."""

    kind: Kind
    name: str  # stack name as found
    id: str
    category: FindingCategory
    workflow_id: str | None = None  # blocked, forced, dangling: the workflow it starts
    workflow_name: str | None = None  # blocked, forced: that workflow's stack name if live
    match: str | None = None  # lookalike: the repository's trigger it looks like
    match_stack_name: str | None = None  # lookalike
    same_name: bool = False  # lookalike: by name (else by event, filter and vars)
    namespace: str | None = None  # orphan


@dataclass(frozen=True)
class PlanFlags:
    """The options a plan was made with (and that apply honours)."""

    prune: bool = False
    force: bool = False
    allow_empty: bool = False


@dataclass(frozen=True)
class DesiredWorkflow:
    name: str
    stages: Sequence[Any]


@dataclass(frozen=True)
class DesiredTrigger:
    name: str
    workflow: str
    event: str
    filter: str | None = None
    vars: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    swap: str = "delete-first"


@dataclass(frozen=True)
class Desired:
    workflows: tuple[DesiredWorkflow, ...] = ()
    triggers: tuple[DesiredTrigger, ...] = ()


@dataclass(frozen=True)
class Plan:
    environment: str
    namespace: str | None
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...] = ()
    fingerprints: dict[str, str] = field(default_factory=dict)  # live id -> content digest
    options: PlanFlags = PlanFlags()
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
