"""The planner: a pure function of (desired definitions, live state, options) -> Plan.

Rules (DESIGN §3-4):
- A live object belongs to a definition by name (`<namespace>/<name>` or `<name>`).
- Workflows and triggers are immutable: a changed definition is replaced. Workflows are
  replaced create-before-destroy; triggers follow their `swap`.
- A replaced or created workflow gets a new id, so every trigger starting it is replaced.
- Of several live copies of one definition, one that matches is kept (the one live
  triggers point at, then the oldest); the others are removed as duplicates.
- Objects in the namespace without a definition are orphans: deleted only with `prune`.
  Without a namespace, objects that match no definition are unmanaged and never touched.
- A trigger orchctl does not manage, pointing at a workflow this plan replaces or deletes,
  blocks the plan (it would be left dangling, still firing) unless `force`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from orchctl.api.models import LiveState
from orchctl.api.models import Trigger as LiveTrigger
from orchctl.api.models import Workflow as LiveWorkflow
from orchctl.errors import OrchctlError
from orchctl.plan.compare import (
    body_digest,
    canonical_json,
    encode,
    field_changes,
    trigger_body,
    workflow_body,
)
from orchctl.plan.identity import SEPARATOR, Namer
from orchctl.plan.model import (
    ONCE_PER_OBJECT_EVENTS,
    Action,
    Change,
    Desired,
    DesiredTrigger,
    DesiredWorkflow,
    FieldChange,
    Finding,
    Kind,
    Plan,
    PlanFlags,
    Reason,
    ReasonCode,
    Risk,
    RiskCode,
)

__all__ = ["Desired", "DesiredTrigger", "DesiredWorkflow", "PlanError", "PlanOptions", "make_plan"]


class PlanError(OrchctlError):
    """The plan cannot be made as asked."""


@dataclass(frozen=True)
class PlanOptions:
    environment: str = "local"
    namespace: str | None = None
    prune: bool = False
    force: bool = False
    allow_empty: bool = False
    # False: the server predates trigger versions (it dropped `version` when apply created a
    # trigger); `version` is then left out of the comparison instead of replacing every run
    trigger_versions: bool = True


@dataclass
class _WorkflowOutcome:
    kept_id: str | None = None  # the live id triggers should point at (None: created/replaced)
    doomed: set[str] = field(default_factory=set)  # live ids this plan deletes
    verb: str = ""  # "replaced" / "created" when triggers must follow


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T = TypeVar("T", LiveWorkflow, LiveTrigger)


def make_plan(
    desired: Desired, live: LiveState, options: PlanOptions, bodies: Bodies | None = None
) -> Plan:
    """What applying `desired` to `live` changes. `bodies` may hold JSON made ahead of the
    desired and live objects (Bodies)."""
    namer = Namer(options.namespace)
    live_workflows = {w.id: w for w in live.workflows}
    referenced = Counter(t.workflow_id for t in live.triggers)
    wf_groups, wf_outside = _group(live.workflows, namer, {w.name for w in desired.workflows})
    managed_workflows = {name: {w.id for w in group} for name, group in wf_groups.items()}
    tr_groups, tr_outside = _group(live.triggers, namer, {t.name for t in desired.triggers})
    changes: list[Change] = []
    findings: list[Finding] = []
    fingerprints: dict[str, str] = {}
    outcomes: dict[str, _WorkflowOutcome] = {}

    bodies = Bodies() if bodies is None else bodies

    def remember(obj: LiveWorkflow | LiveTrigger) -> None:
        fingerprints[obj.id] = bodies.fingerprint(obj)

    # -- workflows ------------------------------------------------------------------------
    for wanted in sorted(desired.workflows, key=lambda w: w.name):
        after_json = bodies.json(wanted.stages)
        stack_name = namer.stack_name(wanted.name)
        candidates = wf_groups.pop(wanted.name, [])
        for candidate in candidates:
            remember(candidate)
        outcome = outcomes[wanted.name] = _WorkflowOutcome()
        matching = [c for c in candidates if bodies.json(c.config.stages) == after_json]
        if matching:
            keep = min(matching, key=lambda c: (-referenced[c.id], _created(c), c.id))
            outcome.kept_id = keep.id
            changes.append(
                Change(
                    "Workflow", wanted.name, Action.NOOP, stack_name=stack_name, live_ids=(keep.id,)
                )
            )
            for extra in candidates:
                if extra is keep:
                    continue
                outcome.doomed.add(extra.id)
                body = bodies.body(extra.config.stages)
                changes.append(
                    _duplicate(
                        "Workflow",
                        wanted.name,
                        stack_name,
                        extra.id,
                        keep.id,
                        body,
                        stale=extra not in matching,
                        wanted=bodies.body(wanted.stages),
                    )
                )
            continue
        after = bodies.body(wanted.stages)
        if candidates:
            base = min(
                candidates, key=lambda c: (-referenced[c.id], -_created(c).timestamp(), c.id)
            )
            before = bodies.body(base.config.stages)
            diff = field_changes(before, after)
            reasons = _reasons(diff)
            if len(candidates) > 1:
                reasons += (Reason(ReasonCode.LIVE_COPIES, count=len(candidates)),)
            outcome.doomed.update(c.id for c in candidates)
            outcome.verb = "replaced"
            changes.append(
                Change(
                    "Workflow",
                    wanted.name,
                    Action.REPLACE_CREATE_FIRST,
                    reasons,
                    stack_name=stack_name,
                    before=before,
                    after=after,
                    live_ids=tuple(sorted(c.id for c in candidates)),
                    diff=diff,
                )
            )
        else:
            outcome.verb = "created"
            changes.append(
                Change(
                    "Workflow",
                    wanted.name,
                    Action.CREATE,
                    (Reason(ReasonCode.NOT_ON_STACK),),
                    stack_name=stack_name,
                    after=after,
                )
            )

    # -- triggers -------------------------------------------------------------------------
    for wanted_trigger in sorted(desired.triggers, key=lambda t: t.name):
        changes.extend(
            _plan_trigger(
                wanted_trigger,
                tr_groups.pop(wanted_trigger.name, []),
                outcomes,
                live_workflows,
                namer,
                remember,
                bodies,
                options.trigger_versions,
            )
        )

    # -- objects without a definition -----------------------------------------------------
    prunable = bool(options.namespace) and options.prune
    leftovers: tuple[tuple[Kind, dict[str, list[Any]]], ...] = (
        ("Workflow", dict(wf_groups)),
        ("Trigger", dict(tr_groups)),
    )
    for kind, groups in leftovers:
        for name in sorted(groups):
            group = groups[name]
            for obj in group:
                remember(obj)
            if prunable:
                ids = tuple(sorted(o.id for o in group))
                changes.append(
                    Change(
                        kind,
                        name,
                        Action.DELETE,
                        (Reason(ReasonCode.PRUNE),),
                        stack_name=namer.stack_name(name),
                        before=_body(group[0]),
                        live_ids=ids,
                    )
                )
                if kind == "Workflow":
                    outcomes.setdefault(name, _WorkflowOutcome()).doomed.update(ids)
            else:
                for obj in group:
                    findings.append(
                        Finding(kind, obj.name, obj.id, "orphan", namespace=options.namespace)
                    )

    deleted = {i for c in changes if c.action is not Action.NOOP for i in c.live_ids}
    nothing_desired = not desired.workflows and not desired.triggers
    if prunable and nothing_desired and deleted and not options.allow_empty:
        raise PlanError(
            f"the repository defines nothing, so pruning would delete all {len(deleted)} "
            f"managed objects in namespace '{options.namespace}'",
            hint="pass --allow-empty if that is really what you want",
        )

    # -- what the plan leaves behind ------------------------------------------------------
    doomed_workflows = {i for o in outcomes.values() for i in o.doomed}
    for obj in sorted(wf_outside, key=lambda w: (w.name, w.id)):
        findings.append(Finding("Workflow", obj.name, obj.id, "unmanaged"))
    lookalikes = _lookalikes(desired, tr_outside, namer, live_workflows, managed_workflows, bodies)
    findings.extend(lookalikes.values())
    unmanaged_triggers = {t.id for t in tr_outside if t.id not in lookalikes}
    for trigger in sorted(
        tr_outside + _unpruned_orphans(findings, live), key=lambda t: (t.name, t.id)
    ):
        if trigger.id in deleted:
            continue
        if trigger.workflow_id in doomed_workflows:
            remember(trigger)
            target = live_workflows.get(trigger.workflow_id)
            findings.append(
                Finding(
                    "Trigger",
                    trigger.name,
                    trigger.id,
                    "forced" if options.force else "blocked",
                    workflow_id=trigger.workflow_id,
                    workflow_name=target.name if target is not None else None,
                )
            )
        elif trigger.workflow_id not in live_workflows and not namer.foreign(trigger.name):
            # (a trigger of another namespace is that project's business: unmanaged)
            findings.append(
                Finding(
                    "Trigger", trigger.name, trigger.id, "dangling", workflow_id=trigger.workflow_id
                )
            )
        elif trigger.id in unmanaged_triggers:
            findings.append(Finding("Trigger", trigger.name, trigger.id, "unmanaged"))

    return Plan(
        environment=options.environment,
        namespace=options.namespace,
        changes=tuple(sorted(changes, key=change_order)),
        findings=tuple(sorted(findings, key=finding_order)),
        fingerprints=dict(sorted(fingerprints.items())),
        options=PlanFlags(
            prune=options.prune, force=options.force, allow_empty=options.allow_empty
        ),
    )


def _plan_trigger(
    wanted: DesiredTrigger,
    candidates: list[LiveTrigger],
    outcomes: dict[str, _WorkflowOutcome],
    live_workflows: dict[str, LiveWorkflow],
    namer: Namer,
    remember: Any,
    bodies: Bodies,
    versions: bool = True,
) -> list[Change]:
    after, after_json = bodies.wanted(wanted, versions)
    stack_name = namer.stack_name(wanted.name)
    outcome = outcomes.get(wanted.workflow, _WorkflowOutcome(verb="missing"))
    target = outcome.kept_id
    for candidate in candidates:
        remember(candidate)
    matching = [
        c
        for c in candidates
        if target is not None and c.workflow_id == target and bodies.trigger_json(c) == after_json
    ]
    if matching:
        keep = min(matching, key=lambda c: (_created(c), c.id))
        out = [
            Change(
                "Trigger",
                wanted.name,
                Action.NOOP,
                stack_name=stack_name,
                live_ids=(keep.id,),
                workflow=wanted.workflow,
            )
        ]
        for extra in candidates:
            if extra is not keep:
                out.append(
                    _duplicate(
                        "Trigger",
                        wanted.name,
                        stack_name,
                        extra.id,
                        keep.id,
                        _body(extra),
                        stale=extra not in matching,
                        wanted=after,
                    )
                )
        return out
    if not candidates:
        return [
            Change(
                "Trigger",
                wanted.name,
                Action.CREATE,
                (Reason(ReasonCode.NOT_ON_STACK),),
                stack_name=stack_name,
                after=after,
                workflow=wanted.workflow,
            )
        ]
    base = min(candidates, key=lambda c: (c.workflow_id != target, -_created(c).timestamp(), c.id))
    before = _body(base)
    diff = field_changes(before, after)
    reasons = _reasons(diff)
    if base.workflow_id not in live_workflows:
        reasons += (Reason(ReasonCode.DANGLING, id=base.workflow_id),)
    if outcome.verb == "replaced":
        reasons += (Reason(ReasonCode.WORKFLOW_REPLACED, workflow=wanted.workflow),)
    elif outcome.verb == "created":
        reasons += (Reason(ReasonCode.WORKFLOW_CREATED, workflow=wanted.workflow),)
    elif base.workflow_id in live_workflows and base.workflow_id != target:
        reasons += (
            Reason(ReasonCode.OTHER_WORKFLOW_COPY, workflow=wanted.workflow, id=base.workflow_id),
        )
    if len(candidates) > 1:
        reasons += (Reason(ReasonCode.LIVE_COPIES, count=len(candidates)),)
    if any(c.path == "version" and c.change == "added" for c in diff):
        reasons += (Reason(ReasonCode.VERSION_ADDED),)
    create_first = wanted.swap == "create-first"
    action = Action.REPLACE_CREATE_FIRST if create_first else Action.REPLACE_DELETE_FIRST
    risks: tuple[Risk, ...] = (Risk(RiskCode.OVERLAP if create_first else RiskCode.GAP),)
    if wanted.event in ONCE_PER_OBJECT_EVENTS:
        risks += (
            Risk(RiskCode.ONCE_PER_OBJECT_RESET, event=wanted.event, workflow=wanted.workflow),
        )
    return [
        Change(
            "Trigger",
            wanted.name,
            action,
            reasons,
            before=before,
            after=after,
            live_ids=tuple(sorted(c.id for c in candidates)),
            diff=diff,
            swap=wanted.swap,
            stack_name=stack_name,
            workflow=wanted.workflow,
            risks=risks,
        )
    ]


def _group(
    objects: Iterable[T], namer: Namer, defined: set[str]
) -> tuple[dict[str, list[T]], list[T]]:
    """Live objects by definition name, and those outside (unmanaged). Without a namespace
    only names of definitions are managed; with one, everything inside it is."""
    groups: dict[str, list[T]] = defaultdict(list)
    outside: list[T] = []
    for obj in objects:
        plain = namer.plain_name(obj.name)
        if plain is None or (namer.namespace is None and plain not in defined):
            outside.append(obj)
        else:
            groups[plain].append(obj)
    return groups, outside


def _lookalikes(
    desired: Desired,
    outside: list[LiveTrigger],
    namer: Namer,
    live_workflows: dict[str, LiveWorkflow],
    managed_workflows: dict[str, set[str]],
    bodies: Bodies,
) -> dict[str, Finding]:
    """Live triggers orchctl does not manage that would make one event start this project's
    workflows twice once the repository's trigger exists:
    - an un-namespaced trigger named like one of the repository's (the same definition,
      from before `namespace:` was set);
    - any trigger with the same event, filter and vars whose workflow is this project's
      workflow (a live copy of it, or the same stages).
    A trigger of another namespace with its own workflow is that project's, not a lookalike.
    """
    if not outside:
        return {}
    by_name = {t.name: t for t in desired.triggers}
    stages = {w.name: w.stages for w in desired.workflows}
    by_body: dict[str, list[DesiredTrigger]] = defaultdict(list)
    for wanted in desired.triggers:
        body = trigger_body(wanted.event, wanted.filter, wanted.vars, wanted.version)
        by_body[encode(body)].append(wanted)

    def starts_our_workflow(trigger: LiveTrigger, wanted: DesiredTrigger) -> bool:
        if trigger.workflow_id in managed_workflows.get(wanted.workflow, ()):
            return True
        target = live_workflows.get(trigger.workflow_id)
        ours = stages.get(wanted.workflow)
        return (
            target is not None
            and ours is not None
            and bodies.json(target.config.stages) == bodies.json(ours)
        )

    found: dict[str, Finding] = {}
    for trigger in outside:
        un_namespaced = namer.namespace is not None and SEPARATOR not in trigger.name
        same_name = by_name.get(trigger.name) if un_namespaced else None
        body = trigger_body(trigger.event, trigger.filter, trigger.vars, trigger.version)
        same_body = next(
            (w for w in by_body.get(encode(body), ()) if starts_our_workflow(trigger, w)), None
        )
        match = same_name or same_body
        if match is None:
            continue
        found[trigger.id] = Finding(
            "Trigger",
            trigger.name,
            trigger.id,
            "lookalike",
            match=match.name,
            match_stack_name=namer.stack_name(match.name),
            same_name=same_name is not None,
        )
    return found


def _unpruned_orphans(findings: list[Finding], live: LiveState) -> list[LiveTrigger]:
    orphan_ids = {f.id for f in findings if f.category == "orphan" and f.kind == "Trigger"}
    return [t for t in live.triggers if t.id in orphan_ids]


def _duplicate(
    kind: Kind,
    name: str,
    stack_name: str,
    extra: str,
    keep: str,
    body: dict[str, Any],
    *,
    stale: bool,
    wanted: dict[str, Any],
) -> Change:
    """An extra live copy: identical to the kept one (`before` is its body, shown as what
    goes), or a stale version (then with its diff against the repository)."""
    if not stale:
        return Change(
            kind,
            name,
            Action.REMOVE_DUPLICATE,
            (Reason(ReasonCode.EXTRA_COPY, id=keep),),
            stack_name=stack_name,
            before=body,
            live_ids=(extra,),
        )
    diff = field_changes(body, wanted)
    return Change(
        kind,
        name,
        Action.REMOVE_DUPLICATE,
        (Reason(ReasonCode.STALE_COPY, id=keep),),
        stack_name=stack_name,
        before=body,
        after=wanted,
        live_ids=(extra,),
        diff=diff,
    )


def _reasons(diff: tuple[FieldChange, ...]) -> tuple[Reason, ...]:
    return tuple(Reason(ReasonCode.FIELD, path=c.path, change=c.change) for c in diff)


def _created(obj: LiveWorkflow | LiveTrigger) -> datetime:
    return obj.created_at or _EPOCH


def _body(obj: LiveWorkflow | LiveTrigger) -> dict[str, Any]:
    if isinstance(obj, LiveWorkflow):
        return workflow_body(obj.config.stages)
    return trigger_body(obj.event, obj.filter, obj.vars, obj.version)


class Bodies:
    """Each object's compared body and its JSON, worked out once per plan: planning
    10,000 workflows asks for each several times (matching, fingerprints, lookalikes), and
    most need only the JSON (the body is for the ones that change). Made ahead where it
    can be: the desired side while the stack is still being read (`add_desired`), the live
    side as its pages arrive (`warm`, from the listing's threads)."""

    def __init__(self) -> None:
        self._json: dict[int, tuple[Any, str]] = {}
        self._body: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._trigger: dict[int, tuple[Any, str]] = {}
        self._wanted: dict[tuple[int, bool], tuple[Any, dict[str, Any], str]] = {}
        self._fingerprint: dict[int, tuple[Any, str]] = {}

    def add_desired(self, desired: Desired) -> Bodies:
        """Make the JSON of every desired workflow and trigger ahead (while the stack is
        being read)."""
        for wanted in desired.workflows:
            self.json(wanted.stages)
        for trigger in desired.triggers:
            self.wanted(trigger)
        return self

    def warm(self, obj: LiveWorkflow | LiveTrigger) -> None:
        """Make a live object's JSON and fingerprint ahead."""
        if isinstance(obj, LiveWorkflow):
            self.json(obj.config.stages)
        else:
            self.trigger_json(obj)
        self.fingerprint(obj)

    def json(self, stages: Any) -> str:
        """`encode(workflow_body(stages))`."""
        hit = self._json.get(id(stages))
        if hit is None or hit[0] is not stages:
            text = '{"stages":' + canonical_json(list(stages or [])) + "}"
            hit = self._json[id(stages)] = (stages, text)
        return hit[1]

    def body(self, stages: Any) -> dict[str, Any]:
        """`workflow_body(stages)`."""
        hit = self._body.get(id(stages))
        if hit is None or hit[0] is not stages:
            hit = self._body[id(stages)] = (stages, workflow_body(stages))
        return hit[1]

    def trigger_json(self, trigger: LiveTrigger) -> str:
        """`encode(_body(trigger))`."""
        hit = self._trigger.get(id(trigger))
        if hit is None or hit[0] is not trigger:
            hit = self._trigger[id(trigger)] = (trigger, encode(_body(trigger)))
        return hit[1]

    def wanted(self, trigger: DesiredTrigger, versions: bool = True) -> tuple[dict[str, Any], str]:
        """A desired trigger's body and its JSON (`version` left out unless `versions`)."""
        hit = self._wanted.get((id(trigger), versions))
        if hit is None or hit[0] is not trigger:
            version = trigger.version if versions else None
            body = trigger_body(trigger.event, trigger.filter, trigger.vars, version)
            hit = self._wanted[id(trigger), versions] = (trigger, body, encode(body))
        return hit[1], hit[2]

    def fingerprint(self, obj: LiveWorkflow | LiveTrigger) -> str:
        """`fingerprint(obj)`; a workflow's from the JSON already made (`{"name":..,
        "stages":..}` is what encoding that body gives: keys sorted, no spaces)."""
        hit = self._fingerprint.get(id(obj))
        if hit is None or hit[0] is not obj:
            if isinstance(obj, LiveWorkflow):
                text = '{"name":' + encode(obj.name) + "," + self.json(obj.config.stages)[1:]
                digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            else:
                digest = fingerprint(obj)
            hit = self._fingerprint[id(obj)] = (obj, digest)
        return hit[1]


def fingerprint(obj: LiveWorkflow | LiveTrigger) -> str:
    """A digest of what a live object is: its name, body, and (triggers) its workflow."""
    body = {"name": obj.name, **_body(obj)}
    if isinstance(obj, LiveTrigger):
        body["workflowID"] = obj.workflow_id
    return body_digest(body)


_ACTION_ORDER = {
    action: index
    for index, action in enumerate(
        (
            Action.CREATE,
            Action.REPLACE_CREATE_FIRST,
            Action.REPLACE_DELETE_FIRST,
            Action.NOOP,
            Action.REMOVE_DUPLICATE,
            Action.DELETE,
        )
    )
}
_CATEGORY_ORDER = {
    "blocked": 0,
    "forced": 1,
    "lookalike": 2,
    "dangling": 3,
    "orphan": 4,
    "unmanaged": 5,
}


def change_order(change: Change) -> tuple[int, str, int, tuple[str, ...]]:
    """Display order: workflows, then triggers; by name; what stays before what goes."""
    kind = 0 if change.kind == "Workflow" else 1
    return (kind, change.name, _ACTION_ORDER[change.action], change.live_ids)


def finding_order(finding: Finding) -> tuple[int, int, str, str]:
    kind = 0 if finding.kind == "Workflow" else 1
    return (_CATEGORY_ORDER[finding.category], kind, finding.name, finding.id)
