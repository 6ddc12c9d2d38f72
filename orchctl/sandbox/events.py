"""Live events (sandbox-only): match triggers, record occurrences, start instances.

Like the service's listener (``internal/triggers/listener.go``, ``main``):

1. the live triggers whose ``event`` is the event's type and whose ``version`` is unset or
   equal to the event's (an event without a version has version ``""``; the patched
   profile also drops triggers whose workflow was deleted);
2. a non-empty filter is evaluated; an evaluation error skips the trigger (logged by the
   service: no occurrence, nothing runs), a result other than ``true`` is no match;
3. ``SAVED_PAYMENT`` / ``SAVED_ACCOUNT``: a trigger starts at most once per ``payload.id``
   (the Temporal id ``<prefix>-<triggerID>-<payload.id>`` with REJECT_DUPLICATE); a
   repeat is skipped without an occurrence;
4. the vars are evaluated: an error is recorded on the occurrence, nothing runs;
   otherwise the workflow (even a deleted one, in the current profile) runs with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS
from orchctl.sandbox.expressions import evaluate, filter_matches, stringify
from orchctl.sandbox.ids import new_id
from orchctl.sandbox.links import LinkFollower
from orchctl.sandbox.records import Trigger
from orchctl.sandbox.routing import Services

ONCE_PER_OBJECT = ("SAVED_PAYMENT", "SAVED_ACCOUNT")


@dataclass(frozen=True)
class Delivery:
    """What one event did: occurrences recorded, and the triggers it skipped."""

    occurrences: list[dict[str, Any]] = field(default_factory=list)
    #: triggers whose filter failed to evaluate: ``{"triggerID", "error"}``
    filter_errors: list[dict[str, str]] = field(default_factory=list)
    #: triggers skipped because they already processed this payment/account:
    #: ``{"triggerID", "objectID"}``
    already_processed: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "data": self.occurrences,
            "filterErrors": self.filter_errors,
            "alreadyProcessed": self.already_processed,
        }


def link_follower(app: Services) -> LinkFollower:
    return LinkFollower(app.links, app.links_lock)


def object_id(payload: Any) -> str:
    """``payload.id`` as the listener reads it (``json.Unmarshal`` into ``{ID string}``:
    the key matches case-insensitively; absent is ``""``). A non-string id or a payload
    that is not an object panics in the service (the event is dropped): ValueError."""
    if not isinstance(payload, dict):
        if payload is None:
            return ""
        raise ValueError("payload is not an object")
    present, value = bodies.field(payload, "id")
    if not present or value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("payload id is not a string")
    return value


def _run(app: Services, trigger: Trigger, payload: Any, link: LinkFollower) -> dict[str, Any]:
    occurrence: dict[str, Any] = {"date": now_str(), "triggerID": trigger.id, "event": payload}
    variables: dict[str, str] = {}
    for key, source in trigger.vars or ():
        outcome = evaluate(source, payload, link)
        if outcome.error:
            occurrence["error"] = f"evaluating var '{key}': {outcome.error}"
            return occurrence
        variables[key] = stringify(outcome.value)
    workflow = app.store.get_workflow(trigger.workflow_id)
    if workflow is None:
        occurrence["error"] = NO_ROWS
        return occurrence
    instance = app.runner.start(workflow, variables)
    occurrence["workflowInstanceID"] = instance["id"]
    return occurrence


def deliver(app: Services, event_type: str, payload: Any, version: str | None = None) -> Delivery:
    delivery = Delivery()
    link = link_follower(app)
    wanted_version = version or ""
    matched: list[Trigger] = []
    candidates = app.store.triggers_for_event(
        event_type, live_workflows_only=app.profile.soft_deleted_workflows
    )
    for trigger in candidates:
        if trigger.version is not None and trigger.version != wanted_version:
            continue
        if trigger.filter:
            outcome = evaluate(trigger.filter, payload, link)
            if outcome.error:
                delivery.filter_errors.append({"triggerID": trigger.id, "error": outcome.error})
                continue
            if not filter_matches(outcome.value):
                continue
        matched.append(trigger)
    if not matched:
        return delivery
    guarded: str | None = None
    if event_type in ONCE_PER_OBJECT:
        try:
            guarded = object_id(payload)
        except ValueError:
            return delivery  # the service's listener panics and drops the event
    for trigger in matched:
        if guarded is not None and not app.store.claim_object(trigger.id, guarded, now_str()):
            delivery.already_processed.append({"triggerID": trigger.id, "objectID": guarded})
            continue
        occurrence = _run(app, trigger, payload, link)
        app.store.insert_occurrence(new_id(), trigger.id, occurrence)
        delivery.occurrences.append(occurrence)
    return delivery


def emit(
    app: Services, event_type: str, payload: Any, version: str | None = None
) -> list[dict[str, Any]]:
    """The occurrences an event recorded (see :func:`deliver` for the skipped triggers)."""
    return deliver(app, event_type, payload, version).occurrences
