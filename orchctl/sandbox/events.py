"""Live events (sandbox-only): match triggers, record occurrences, start instances.

An event of type T (and version V, when given) fires every live trigger whose ``event`` is
T and whose ``version`` is unset or V, even when the trigger's workflow was deleted. An
empty filter is skipped; a non-empty one must evaluate to boolean true. Vars become the
run's variables (stringified). Errors are recorded on the occurrence.
"""

from __future__ import annotations

from typing import Any

from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS
from orchctl.sandbox.expressions import evaluate, filter_matches, stringify
from orchctl.sandbox.ids import new_id
from orchctl.sandbox.records import Trigger
from orchctl.sandbox.routing import Services as App


class LinkError(Exception):
    """``link(event, rel)`` could not be followed."""


def link_resolver(app: App) -> Any:
    """``link(event, rel)``: follow ``event.links[*]`` named ``rel`` through the sandbox's
    configured resources (href -> data); an unknown href is an error, like a failed GET."""

    def link(event: Any, rel: Any) -> Any:
        links = event.get("links") if isinstance(event, dict) else None
        for item in links if isinstance(links, list) else []:
            if isinstance(item, dict) and item.get("name") == rel:
                href = item.get("href")
                with app.links_lock:
                    if isinstance(href, str) and href in app.links:
                        return app.links[href]
                raise LinkError(f"GET {href}: 404 Not Found")
        raise LinkError(f"link '{rel}' not found in event")

    return link


def fire(app: App, trigger: Trigger, payload: Any) -> dict[str, Any] | None:
    """Evaluate one trigger against an event; the occurrence document, or None (no match)."""
    link = link_resolver(app)
    occurrence: dict[str, Any] = {"date": now_str(), "triggerID": trigger.id, "event": payload}
    if trigger.filter:
        outcome = evaluate(trigger.filter, payload, link)
        if outcome.error:
            occurrence["error"] = f"evaluating filter: {outcome.error}"
            return occurrence
        if not filter_matches(outcome.value):
            return None
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


def emit(
    app: App, event_type: str, payload: Any, version: str | None = None
) -> list[dict[str, Any]]:
    recorded = []
    for trigger in app.store.triggers_for_event(event_type):
        if trigger.version and trigger.version != version:
            continue
        occurrence = fire(app, trigger, payload)
        if occurrence is None:
            continue
        app.store.insert_occurrence(new_id(), trigger.id, occurrence)
        recorded.append(occurrence)
    return recorded
