"""Exactly-once writes: creates that are never blindly repeated, deletes where 404 is done.

What the client (``orchctl.api.session``) already retries, with backoff, jitter and
Retry-After, is left to it: a POST whose request certainly did not reach the server
(connection refused, pool timeout, 429). Everything else that leaves a create without a
definite answer arrives here as :class:`~orchctl.api.errors.OutcomeUnknown` (a reset or
timeout after the request was sent, a 502/503/504 from a gateway that may have forwarded
it). Then, and only then:

1. re-read the stack (:mod:`orchctl.apply.reads`: a listing that cannot miss a row) and
   look for an object with the same stack name and the same content
   (:func:`orchctl.plan.compare.same` on the canonical bodies) that is not among
   ``known_ids`` (the ids that existed before this apply started);
2. adopt it when there is one (the earliest, by createdAt then id);
3. otherwise send the create again, at most :data:`ATTEMPTS` times in all.

Why repeating after step 1 is safe: the sandbox's "lost" fault, like a real dropped answer,
commits the write before the connection drops, and a committed row is in every later
listing; so a create that took effect is found and adopted, never sent twice. The one
case step 1 cannot see is a request still running on the server after the client gave up
on it (a read timeout while the database is slow): it can leave one extra copy, which the
next plan shows as a duplicate and removes. The bound keeps a sick server from being
hammered: after ``ATTEMPTS`` unknown outcomes the error goes up and nothing more is sent.

A definite error (400, 404, a 500 answer, a 429 after the client's last attempt) is
raised at once: the server said the write did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from orchctl.api import NotFound, OrchestrationClient, OutcomeUnknown, Trigger, Workflow
from orchctl.api.models import TriggerSpec, WorkflowConfig
from orchctl.apply.reads import all_triggers, all_workflows
from orchctl.plan.compare import same, trigger_body, workflow_body

log = logging.getLogger("orchctl.apply")

ATTEMPTS = 3  # creates sent at most for one object, each after a re-read found nothing

T = TypeVar("T", Workflow, Trigger)


def create_workflow_once(
    client: OrchestrationClient,
    stack_name: str,
    stages: Sequence[Any],
    known_ids: Collection[str],
) -> Workflow:
    """Create the workflow ``stack_name`` with ``stages`` exactly once (see the module)."""
    config = WorkflowConfig(stages=tuple(dict(s) for s in stages), name=stack_name)
    wanted = workflow_body(stages)

    def matches(w: Workflow) -> bool:
        return w.name == stack_name and same(workflow_body(w.config.stages), wanted)

    return _create_once(
        lambda: client.create_workflow(config),
        lambda: all_workflows(client),
        matches,
        known_ids,
        f"workflow {stack_name}",
    )


def create_trigger_once(
    client: OrchestrationClient, spec: TriggerSpec, known_ids: Collection[str]
) -> Trigger:
    """Create the trigger ``spec`` exactly once (see the module). A server older than
    trigger versions drops ``version``: a copy without it still counts as this create."""
    wanted = trigger_body(spec.event, spec.filter, spec.vars, spec.version)
    unversioned = trigger_body(spec.event, spec.filter, spec.vars, None)

    def matches(t: Trigger) -> bool:
        if t.name != (spec.name or "") or t.workflow_id != spec.workflow_id:
            return False
        body = trigger_body(t.event, t.filter, t.vars, t.version)
        return same(body, wanted) or (t.version is None and same(body, unversioned))

    return _create_once(
        lambda: client.create_trigger(spec),
        lambda: all_triggers(client),
        matches,
        known_ids,
        f"trigger {spec.name or '(unnamed)'}",
    )


def delete_workflow_once(client: OrchestrationClient, workflow_id: str) -> bool:
    """Delete a workflow; True when this call deleted it, False when it was already gone
    (404, which a service with ``fix/soft-deleted-workflows`` answers for a deleted one)."""
    return _delete_once(lambda: client.delete_workflow(workflow_id))


def delete_trigger_once(client: OrchestrationClient, trigger_id: str) -> bool:
    """Delete a trigger; True when this call deleted it, False when it was already gone
    (the service answers 404 for a trigger deleted before, e.g. by a lost earlier try)."""
    return _delete_once(lambda: client.delete_trigger(trigger_id))


def _delete_once(delete: Callable[[], None]) -> bool:
    try:
        delete()
    except NotFound:
        return False
    return True


def _create_once(
    create: Callable[[], T],
    read: Callable[[], list[T]],
    matches: Callable[[T], bool],
    known_ids: Collection[str],
    what: str,
) -> T:
    known = set(known_ids)
    last: OutcomeUnknown | None = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return create()
        except OutcomeUnknown as exc:
            last = exc
        found = [obj for obj in read() if obj.id not in known and matches(obj)]
        if found:
            adopted = min(found, key=_created_key)
            log.info("%s: adopted %s (unknown outcome, attempt %d)", what, adopted.id, attempt)
            return adopted
        log.info("%s: not on the stack after an unknown outcome; sending again", what)
    assert last is not None
    raise OutcomeUnknown(
        f"{what}: {ATTEMPTS} creates had no definite answer and none of them is on the stack; "
        f"nothing more was sent (last: {last.message})",
        method=last.method,
        path=last.path,
        status=last.status,
        attempts=ATTEMPTS,
        hint="check the stack; `orchctl plan` shows what is there",
    )


def _created_key(obj: Workflow | Trigger) -> tuple[float, str]:
    created = obj.created_at.timestamp() if obj.created_at is not None else 0.0
    return created, obj.id
