"""What `orchctl import` takes from the stack, and what it refuses (a pure function).

A live object becomes a definition when it can be represented so that the repository
plans as no change: one live object per name, a name inside the namespace that is a valid
definition name, no `{{` (orchctl would read it as a parameter), and for a trigger a live
workflow that is imported too (or already defined). Everything else is refused with the
reason and how to resolve it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from orchctl.api import LiveState, Trigger, Workflow
from orchctl.errors import OrchctlError
from orchctl.importer.internal import is_apply_internal
from orchctl.plan.identity import Namer
from orchctl.resolve import NotFoundError, format_time, is_id, matching
from orchctl.validation.hints import closest

Kind = Literal["Workflow", "Trigger"]
# schemas/common.schema.json: $defs.name and $defs.variableName
NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
VAR_NAME = re.compile(r"^[^{}$\s]+$")
MAX_NAME = 100


@dataclass(frozen=True)
class Imported:
    kind: Kind
    name: str  # the definition name
    live: Workflow | Trigger
    workflow: str | None = None  # a trigger's workflow, by definition name
    because: str | None = None  # why it was added when not asked for


@dataclass(frozen=True)
class Refusal:
    kind: Kind
    label: str  # the live name as stored ('' shown as "")
    ids: tuple[str, ...]
    problem: str
    resolve: str

    def render(self) -> str:
        ids = f" ({self.ids[0]})" if len(self.ids) == 1 else ""
        return f"{self.kind} {self.label}{ids}: {self.problem}; {self.resolve}"


@dataclass(frozen=True)
class Skipped:
    kind: Kind
    name: str
    why: str


@dataclass
class Selection:
    imported: list[Imported] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    outside: int = 0  # objects outside the namespace, left out of --all


def select(
    live: LiveState,
    namer: Namer,
    references: Sequence[str],
    *,
    everything: bool,
    defined: Mapping[Kind, Iterable[str]],
    where: str,
) -> Selection:
    """What to import for `references` (names or ids) or, with `everything`, the whole
    stack (the namespace's part when there is one). Unknown references raise."""
    workflows = [w for w in live.workflows if not is_apply_internal(w)]
    triggers = [t for t in live.triggers if not is_apply_internal(t)]
    chooser = _Chooser(workflows, triggers, namer, defined)
    if everything:
        for workflow in workflows:
            chooser.consider("Workflow", workflow)
        for trigger in triggers:
            chooser.consider("Trigger", trigger)
    for reference in references:
        for kind, obj in _lookup(workflows, triggers, namer, reference, where):
            chooser.consider(kind, obj, explicit=True)
    return chooser.done()


def _lookup(
    workflows: list[Workflow],
    triggers: list[Trigger],
    namer: Namer,
    reference: str,
    where: str,
) -> list[tuple[Kind, Workflow | Trigger]]:
    if is_id(reference):
        found: list[tuple[Kind, Workflow | Trigger]] = [
            ("Workflow", w) for w in workflows if w.id == reference
        ]
        found += [("Trigger", t) for t in triggers if t.id == reference]
        if not found:
            raise NotFoundError(
                f"no workflow or trigger with id {reference} on {where} (deleted objects "
                "cannot be imported)"
            )
        return found
    found = [("Workflow", w) for w in matching(workflows, namer, reference)]
    found += [("Trigger", t) for t in matching(triggers, namer, reference)]
    if not found:
        names = {w.name for w in workflows if w.name} | {t.name for t in triggers if t.name}
        names |= {p for p in (namer.plain_name(n) for n in names) if p}
        best = closest(reference, names)
        raise NotFoundError(
            f"no workflow or trigger named '{reference}' on {where}",
            hint=f"did you mean `{best}`?" if best else None,
        )
    return found


class _Chooser:
    def __init__(
        self,
        workflows: list[Workflow],
        triggers: list[Trigger],
        namer: Namer,
        defined: Mapping[Kind, Iterable[str]],
    ) -> None:
        self.namer = namer
        self.defined = {kind: set(names) for kind, names in defined.items()}
        self.workflows = {w.id: w for w in workflows}
        self.by_name: dict[Kind, dict[str, list[Any]]] = {
            "Workflow": defaultdict(list),
            "Trigger": defaultdict(list),
        }
        for w in sorted(workflows, key=_age):
            self.by_name["Workflow"][w.name].append(w)
        for t in sorted(triggers, key=_age):
            self.by_name["Trigger"][t.name].append(t)
        self.selection = Selection()
        self.decided: dict[str, str | None] = {}  # id -> definition name (None: refused)
        self.refused_names: set[tuple[Kind, str]] = set()
        self.outside_ids: set[str] = set()

    def done(self) -> Selection:
        self.selection.outside = len(self.outside_ids)
        return self.selection

    def consider(
        self,
        kind: Kind,
        obj: Workflow | Trigger,
        *,
        explicit: bool = False,
        because: str | None = None,
    ) -> str | None:
        """Decide on one object; its definition name, or None when it is not importable."""
        if obj.id in self.decided:
            return self.decided[obj.id]
        plain = self.namer.plain_name(obj.name)
        if plain is None and self.namer.namespace and not explicit and because is None:
            self.outside_ids.add(obj.id)  # --all takes the namespace's objects only
            return None
        name = self._refusal(kind, obj, plain)
        if name is None:
            self.decided[obj.id] = None
            return None
        if name in self.defined.get(kind, set()):
            self.decided[obj.id] = name
            self.selection.skipped.append(
                Skipped(kind, name, "already defined in the repository; left as it is")
            )
            return name
        workflow_name = None
        if isinstance(obj, Trigger):
            workflow_name = self._trigger_workflow(obj)
            if workflow_name is None:
                self.decided[obj.id] = None
                return None
        self.decided[obj.id] = name
        self.selection.imported.append(Imported(kind, name, obj, workflow_name, because))
        return name

    def _refuse(self, kind: Kind, obj: Workflow | Trigger, problem: str, resolve: str) -> None:
        group = self.by_name[kind].get(obj.name, [obj])
        self.selection.refused.append(
            Refusal(kind, _label(obj.name), tuple(o.id for o in group), problem, resolve)
        )
        for other in group:
            self.decided[other.id] = None

    def _refusal(self, kind: Kind, obj: Workflow | Trigger, plain: str | None) -> str | None:
        """The definition name, or None after recording why the object is refused."""
        noun = kind.lower()
        if not obj.name:
            self._refuse(
                kind,
                obj,
                "it has no name, and orchctl knows objects by name",
                f"the API cannot rename: define the {noun} under a name in the repository, "
                "apply, then delete this one by id",
            )
            return None
        if plain is None:
            self._refuse(
                kind,
                obj,
                f"outside namespace '{self.namer.namespace}': as a definition it would be "
                f"'{self.namer.stack_name(obj.name)}' on the stack, a different object",
                "import it from a project without `namespace:`, or recreate it inside the "
                "namespace",
            )
            return None
        if len(plain) > MAX_NAME or not NAME.match(plain):
            self._refuse(
                kind,
                obj,
                f"'{plain}' is not a valid definition name (lowercase letters, digits, "
                "'-', '_' and '.', at most 100)",
                f"the API cannot rename: recreate the {noun} under a valid name",
            )
            return None
        group = self.by_name[kind].get(obj.name, [])
        if len(group) > 1:
            copies = ", ".join(f"{o.id} created {format_time(o.created_at)}" for o in group)
            self._refuse(
                kind,
                obj,
                f"{len(group)} live {noun}s are named '{obj.name}' ({copies})",
                "delete all but one of them, then import again",
            )
            return None
        braces = _braces(_body(obj))
        if braces is not None:
            self._refuse(
                kind,
                obj,
                f"{braces} contains `{{{{`, which orchctl reads as a `{{{{ params.NAME }}}}` "
                "placeholder (there is no escape)",
                "keep this one out of the repository, or recreate it without `{{`",
            )
            return None
        if isinstance(obj, Trigger):
            bad = sorted(v for v in obj.vars if not VAR_NAME.match(v))
            if bad:
                self._refuse(
                    kind,
                    obj,
                    f"var name {bad[0]!r} cannot be written in a definition",
                    "recreate the trigger with plain var names",
                )
                return None
        return plain

    def _trigger_workflow(self, trigger: Trigger) -> str | None:
        workflow = self.workflows.get(trigger.workflow_id)
        if workflow is None:
            self._refuse(
                "Trigger",
                trigger,
                f"its workflow {trigger.workflow_id} is deleted or missing (dangling: the "
                "trigger still fires)",
                "delete the trigger, or recreate it for a live workflow and import that",
            )
            return None
        because = f"trigger {self.namer.plain_name(trigger.name)} starts it"
        name = self.consider("Workflow", workflow, because=because)
        if name is None:
            self._refuse(
                "Trigger",
                trigger,
                f"its workflow {_label(workflow.name)} ({workflow.id}) cannot be imported",
                "resolve the workflow first (see its line)",
            )
            return None
        return name


def _age(obj: Workflow | Trigger) -> tuple[datetime, str]:
    return (obj.created_at or datetime.min.replace(tzinfo=UTC), obj.id)


def _label(name: str) -> str:
    return f"'{name}'" if name else '""'


def _body(obj: Workflow | Trigger) -> dict[str, Any]:
    if isinstance(obj, Workflow):
        return {"stages": [dict(s) for s in obj.config.stages]}
    return {
        "event": obj.event,
        "filter": obj.filter,
        "vars": dict(obj.vars),
        "version": obj.version,
    }


def _braces(value: Any, path: str = "") -> str | None:
    """The path of the first string holding `{{`, or None."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _braces(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _braces(item, f"{path}[{index}]")
            if found is not None:
                return found
    elif isinstance(value, str) and "{{" in value:
        return path or "a value"
    return None


class ImportRefused(OrchctlError):
    """Some selected objects cannot be represented as definitions."""
