"""Records the sandbox stores, and their JSON shapes on the wire."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class Workflow:
    id: str
    name: str
    stages: tuple[Any, ...]
    created_at: str
    updated_at: str
    deleted_at: str | None = None

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "config": {"name": self.name, "stages": list(self.stages)},
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "deletedAt": self.deleted_at,
        }


@dataclass(frozen=True)
class Trigger:
    id: str
    name: str
    event: str
    workflow_id: str
    created_at: str
    filter: str | None = None
    vars: tuple[tuple[str, str], ...] | None = None
    version: str | None = None
    deleted_at: str | None = None

    def vars_dict(self) -> dict[str, str]:
        return dict(self.vars or ())

    def to_json(self) -> JSON:
        out: JSON = {"id": self.id, "name": self.name, "event": self.event}
        if self.filter is not None:
            out["filter"] = self.filter
        out["workflowID"] = self.workflow_id
        out["workflow"] = None
        if self.vars:  # omitempty: an empty map is left out
            out["vars"] = self.vars_dict()
        if self.version is not None:  # a *string: "" is kept and echoed
            out["version"] = self.version
        out["createdAt"] = self.created_at
        return out


@dataclass(frozen=True)
class TimelineEntry:
    """One write that reached the store: who, what, when, and whether the client saw it."""

    seq: int
    at: str
    actor: str
    action: str
    kind: str
    object_id: str
    name: str | None
    detail: dict[str, Any]
    outcome: str = "ok"  # "ok" | "response_lost"

    def to_json(self) -> JSON:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            "id": self.object_id,
            "name": self.name,
            "detail": self.detail,
            "outcome": self.outcome,
        }


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
