"""The objects a repository defines, after parameters are substituted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from orchctl.definitions.yamlsource import Document, Mark, PathT

Swap = Literal["delete-first", "create-first"]


@dataclass(frozen=True)
class Origin:
    """Where a definition was written: its document, for locating any value inside it."""

    document: Document

    @property
    def file(self) -> str:
        return self.document.file

    def mark(self, path: PathT = (), *, key: bool = False) -> Mark:
        return self.document.mark(path, key=key)


@dataclass(frozen=True)
class Workflow:
    name: str
    stages: list[dict[str, Any]]
    origin: Origin = field(compare=False, repr=False)
    description: str | None = None
    valid: bool = field(default=True, compare=False)

    kind = "Workflow"

    def config(self) -> dict[str, Any]:
        """The body the Orchestration API receives (its `config`), without the stack name."""
        return {"stages": self.stages}


@dataclass(frozen=True)
class TriggerTest:
    index: int
    name: str
    event: dict[str, Any]
    links: dict[str, Any] | None = None
    expect_match: bool | None = None
    expect_vars: dict[str, str] | None = None


@dataclass(frozen=True)
class Trigger:
    name: str
    workflow: str
    event: str
    origin: Origin = field(compare=False, repr=False)
    filter: str | None = None
    vars: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    swap: Swap = "delete-first"
    tests: tuple[TriggerTest, ...] = ()
    description: str | None = None
    valid: bool = field(default=True, compare=False)

    kind = "Trigger"


Definition = Workflow | Trigger
