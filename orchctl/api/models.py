"""Typed requests and results of the Orchestration API (v1 and v2 share these shapes).

Parsers (``from_json``) ignore unknown fields and tolerate missing optional ones, so a
newer or older server does not break the client. Stage definitions, event payloads and
activity inputs/outputs are free-form JSON by nature and stay ``Mapping[str, Any]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orchctl.api.errors import UnexpectedResponse

JsonObject = Mapping[str, Any]


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 (Go emits up to nanoseconds and ``Z``); None when absent or unparseable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _obj(value: Any, what: str) -> JsonObject:
    if not isinstance(value, Mapping):
        raise UnexpectedResponse(f"expected a JSON object for {what}, got {type(value).__name__}")
    return value


def _str(data: JsonObject, key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise UnexpectedResponse(f"{what} has no string {key!r}")
    return value


def _opt_str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------- server


@dataclass(frozen=True)
class ServerInfo:
    version: str

    @classmethod
    def from_json(cls, data: Any) -> ServerInfo:
        d = _obj(data, "server info")
        return cls(version=str(d.get("version", "")))


# ---------------------------------------------------------------- workflows


@dataclass(frozen=True)
class WorkflowConfig:
    """The body of CreateWorkflow; only ``name`` and ``stages`` survive on the server."""

    stages: tuple[JsonObject, ...]
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"stages": [dict(s) for s in self.stages]}
        if self.name is not None:
            body["name"] = self.name
        return body

    @classmethod
    def from_json(cls, data: Any) -> WorkflowConfig:
        d = _obj(data, "workflow config")
        stages = d.get("stages") or []
        if not isinstance(stages, list):
            raise UnexpectedResponse("workflow config 'stages' is not a list")
        return cls(stages=tuple(_obj(s, "stage") for s in stages), name=_opt_str(d, "name"))


@dataclass(frozen=True)
class Workflow:
    id: str
    config: WorkflowConfig
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.config.name or ""

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def from_json(cls, data: Any) -> Workflow:
        d = _obj(data, "workflow")
        return cls(
            id=_str(d, "id", "workflow"),
            config=WorkflowConfig.from_json(d.get("config") or {}),
            created_at=parse_time(d.get("createdAt")),
            updated_at=parse_time(d.get("updatedAt")),
            deleted_at=parse_time(d.get("deletedAt")),
        )


# ---------------------------------------------------------------- triggers


@dataclass(frozen=True)
class TriggerSpec:
    """The body of CreateTrigger. ``filter`` None or ``""`` is omitted (an empty filter
    is stored as is and then behaves differently in test and live matching)."""

    event: str
    workflow_id: str
    name: str | None = None
    filter: str | None = None
    vars: Mapping[str, str] | None = None
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"event": self.event, "workflowID": self.workflow_id}
        if self.name is not None:
            body["name"] = self.name
        if self.filter:
            body["filter"] = self.filter
        if self.vars:
            body["vars"] = dict(self.vars)
        if self.version is not None:
            body["version"] = self.version
        return body


@dataclass(frozen=True)
class Trigger:
    id: str
    event: str
    workflow_id: str
    name: str = ""
    filter: str | None = None
    vars: Mapping[str, Any] = field(default_factory=dict)
    version: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> Trigger:
        d = _obj(data, "trigger")
        raw_vars = d.get("vars")
        return cls(
            id=_str(d, "id", "trigger"),
            event=str(d.get("event") or ""),
            workflow_id=str(d.get("workflowID") or ""),
            name=str(d.get("name") or ""),
            filter=_opt_str(d, "filter"),
            vars=dict(raw_vars) if isinstance(raw_vars, Mapping) else {},
            version=_opt_str(d, "version") or None,
            created_at=parse_time(d.get("createdAt")),
        )


@dataclass(frozen=True)
class FilterResult:
    match: bool
    error: str | None = None


@dataclass(frozen=True)
class VariableResult:
    value: str | None
    error: str | None = None


@dataclass(frozen=True)
class TriggerTestResult:
    """``filter`` None: the trigger has no filter. ``variables`` None: not evaluated (the
    filter did not match)."""

    filter: FilterResult | None
    variables: Mapping[str, VariableResult] | None

    @property
    def matched(self) -> bool:
        return self.filter is None or (self.filter.match and not self.filter.error)

    @classmethod
    def from_json(cls, data: Any) -> TriggerTestResult:
        d = _obj(data, "trigger test result")
        f = d.get("filter")
        filt = None
        if isinstance(f, Mapping):
            filt = FilterResult(match=bool(f.get("match")), error=_opt_str(f, "error") or None)
        v = d.get("variables")
        variables = None
        if isinstance(v, Mapping):
            variables = {}
            for k, item in v.items():
                it = item if isinstance(item, Mapping) else {}
                value = it.get("value")
                variables[str(k)] = VariableResult(
                    value=None if value is None else str(value),
                    error=_opt_str(it, "error") or None,
                )
        return cls(filter=filt, variables=variables)


# ---------------------------------------------------------------- instances


@dataclass(frozen=True)
class StageStatus:
    stage: int
    instance_id: str
    started_at: datetime | None = None
    terminated_at: datetime | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> StageStatus:
        d = _obj(data, "stage status")
        stage = d.get("stage", 0)
        return cls(
            stage=int(stage) if isinstance(stage, int | float) else 0,
            instance_id=str(d.get("instanceID") or ""),
            started_at=parse_time(d.get("startedAt")),
            terminated_at=parse_time(d.get("terminatedAt")),
            error=_opt_str(d, "error") or None,
        )


@dataclass(frozen=True)
class Instance:
    id: str
    workflow_id: str
    terminated: bool = False
    status: tuple[StageStatus, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    terminated_at: datetime | None = None
    error: str | None = None
    workflow: Workflow | None = None

    @classmethod
    def from_json(cls, data: Any) -> Instance:
        d = _obj(data, "workflow instance")
        status = d.get("status") or []
        wf = d.get("workflow")
        return cls(
            id=_str(d, "id", "workflow instance"),
            workflow_id=str(d.get("workflowID") or ""),
            terminated=bool(d.get("terminated", False)),
            status=tuple(StageStatus.from_json(s) for s in status if isinstance(s, Mapping)),
            created_at=parse_time(d.get("createdAt")),
            updated_at=parse_time(d.get("updatedAt")),
            terminated_at=parse_time(d.get("terminatedAt")),
            error=_opt_str(d, "error") or None,
            workflow=Workflow.from_json(wf) if isinstance(wf, Mapping) and "id" in wf else None,
        )


@dataclass(frozen=True)
class InstanceHistory:
    """One stage of a run (GetInstanceHistory)."""

    name: str
    input: JsonObject
    terminated: bool = False
    started_at: datetime | None = None
    terminated_at: datetime | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> InstanceHistory:
        d = _obj(data, "instance history")
        inp = d.get("input")
        return cls(
            name=str(d.get("name") or ""),
            input=dict(inp) if isinstance(inp, Mapping) else {},
            terminated=bool(d.get("terminated", False)),
            started_at=parse_time(d.get("startedAt")),
            terminated_at=parse_time(d.get("terminatedAt")),
            error=_opt_str(d, "error") or None,
        )


@dataclass(frozen=True)
class StageHistory:
    """One activity of a stage (GetInstanceStageHistory)."""

    name: str
    input: JsonObject
    output: JsonObject | None = None
    terminated: bool = False
    attempt: int = 0
    started_at: datetime | None = None
    terminated_at: datetime | None = None
    next_execution: datetime | None = None
    error: str | None = None
    last_failure: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> StageHistory:
        d = _obj(data, "stage history")
        inp = d.get("input")
        out = d.get("output")
        attempt = d.get("attempt", 0)
        return cls(
            name=str(d.get("name") or ""),
            input=dict(inp) if isinstance(inp, Mapping) else {},
            output=dict(out) if isinstance(out, Mapping) else None,
            terminated=bool(d.get("terminated", False)),
            attempt=int(attempt) if isinstance(attempt, int | float) else 0,
            started_at=parse_time(d.get("startedAt")),
            terminated_at=parse_time(d.get("terminatedAt")),
            next_execution=parse_time(d.get("nextExecution")),
            error=_opt_str(d, "error") or None,
            last_failure=_opt_str(d, "lastFailure") or None,
        )


@dataclass(frozen=True)
class TriggerOccurrence:
    trigger_id: str
    date: datetime | None
    event: JsonObject
    workflow_instance_id: str | None = None
    workflow_instance: Instance | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> TriggerOccurrence:
        d = _obj(data, "trigger occurrence")
        ev = d.get("event")
        wi = d.get("workflowInstance")
        return cls(
            trigger_id=str(d.get("triggerID") or ""),
            date=parse_time(d.get("date")),
            event=dict(ev) if isinstance(ev, Mapping) else {},
            workflow_instance_id=_opt_str(d, "workflowInstanceID") or None,
            workflow_instance=(
                Instance.from_json(wi) if isinstance(wi, Mapping) and "id" in wi else None
            ),
            error=_opt_str(d, "error") or None,
        )


# ---------------------------------------------------------------- aggregate


@dataclass(frozen=True)
class LiveState:
    """What a stack holds: every listed (non-deleted) workflow and trigger, each list
    de-duplicated by id and sorted by (name, id)."""

    workflows: tuple[Workflow, ...] = ()
    triggers: tuple[Trigger, ...] = ()
