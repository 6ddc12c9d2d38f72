"""Names everywhere: what a NAME on the command line stands for on the stack (DESIGN §2).

A reference is one of
- an id (a UUID): that object, looked up directly;
- a definition name (``payin-to-wallet``), read in the project's namespace
  (``payments/payin-to-wallet`` on the stack);
- a stack name as the server stores it (``payments/payin-to-wallet``, or a name outside
  the namespace).

Names are not unique on the server. A reference matching several live objects is an error
that lists their ids and creation dates — never a silent pick; an unknown name is one line,
with a did-you-mean where a close name exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, TypeVar

from orchctl.api import NotFound, OrchestrationClient, Trigger, Workflow
from orchctl.errors import OrchctlError
from orchctl.plan.identity import Namer
from orchctl.validation.hints import closest

ObjectKind = Literal["workflow", "trigger"]
T = TypeVar("T", Workflow, Trigger)


class NotFoundError(OrchctlError):
    """No live object answers to the reference."""


class AmbiguousName(OrchctlError):
    """Several live objects answer to the reference."""


def is_id(text: str) -> bool:
    """A UUID, as the server generates them (any case, with dashes)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def format_time(value: datetime | None) -> str:
    """``2026-12-03T07:40:56Z`` (UTC, to the second); ``-`` when unknown."""
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def matching(objects: Sequence[T], namer: Namer, reference: str) -> list[T]:
    """Live objects a NAME stands for: the definition name in the namespace, or the stack
    name as written. Both readings count, so `x` is ambiguous when `payments/x` and an
    unmanaged `x` both exist."""
    wanted = {namer.stack_name(reference), reference}
    return sorted(
        (o for o in objects if o.name in wanted),
        key=lambda o: (o.created_at or datetime.min.replace(tzinfo=UTC), o.id),
    )


def pick(objects: Sequence[T], namer: Namer, reference: str, kind: ObjectKind, where: str) -> T:
    """The one live object of `objects` a NAME stands for (see :func:`matching`)."""
    found = matching(objects, namer, reference)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            f"no {kind} named '{reference}' on {where}",
            hint=_suggestion(objects, namer, reference),
        )
    raise ambiguous(found, kind, reference, where)


def ambiguous(
    found: Sequence[Workflow | Trigger], kind: str, reference: str, where: str
) -> OrchctlError:
    listed = ", ".join(f"{o.id} (created {format_time(o.created_at)})" for o in found)
    names = sorted({o.name for o in found})
    called = f"'{reference}'" if names == [reference] else f"'{reference}' ({', '.join(names)})"
    return AmbiguousName(
        f"{len(found)} {kind}s are named {called} on {where}: {listed}",
        hint="pass one of the ids instead",
    )


def _suggestion(objects: Sequence[Workflow | Trigger], namer: Namer, reference: str) -> str | None:
    names = set()
    for obj in objects:
        if not obj.name:
            continue
        names.add(obj.name)
        plain = namer.plain_name(obj.name)
        if plain:
            names.add(plain)
    best = closest(reference, names)
    return f"did you mean `{best}`?" if best else None


def resolve_workflow(
    client: OrchestrationClient,
    namer: Namer,
    reference: str,
    where: str,
    listed: Sequence[Workflow] | None = None,
) -> Workflow:
    """A workflow by id (a deleted one included: the server still returns it) or by name
    (only listed, non-deleted workflows)."""
    if is_id(reference):
        try:
            return client.get_workflow(reference)
        except NotFound:
            raise NotFoundError(f"no workflow with id {reference} on {where}") from None
    workflows = client.list_workflows() if listed is None else listed
    return pick(workflows, namer, reference, "workflow", where)


def resolve_trigger(
    client: OrchestrationClient,
    namer: Namer,
    reference: str,
    where: str,
    listed: Sequence[Trigger] | None = None,
) -> Trigger:
    """A trigger by id or by name (deleted triggers are not readable on the server)."""
    if is_id(reference):
        try:
            return client.get_trigger(reference)
        except NotFound:
            raise NotFoundError(
                f"no trigger with id {reference} on {where} (deleted triggers cannot be read)"
            ) from None
    triggers = client.list_triggers() if listed is None else listed
    return pick(triggers, namer, reference, "trigger", where)


def instance_id(reference: str) -> str:
    """Instances have no names: only an id is accepted."""
    if not is_id(reference):
        raise NotFoundError(
            f"'{reference}' is not an instance id (instances have no names)",
            hint="`orchctl instances list --workflow NAME` shows the ids",
        )
    return reference
