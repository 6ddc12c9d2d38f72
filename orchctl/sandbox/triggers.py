"""Trigger endpoints: create, list, read, delete (soft), test, occurrences."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS, ApiError, internal, not_found, validation
from orchctl.sandbox.events import link_follower
from orchctl.sandbox.expressions import compile_error, evaluate, filter_matches, stringify
from orchctl.sandbox.ids import new_id
from orchctl.sandbox.links import LinkFollower
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, parse_page
from orchctl.sandbox.records import Trigger
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.runner import PRIVATE, public

_STRING_FIELDS = ("event", "workflowID", "name", "filter", "version")


def _decode_trigger(body: Any) -> dict[str, Any]:
    """Decode a TriggerData body; undecodable bodies are a 500 on the real server."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise internal(
            f"json: cannot unmarshal {bodies.kind(body)} into Go value of type triggers.TriggerData"
        )
    out: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        present, value = bodies.field(body, name)
        if present and value is not None:
            if not isinstance(value, str):
                raise internal(
                    f"json: cannot unmarshal {bodies.kind(value)} into Go struct field "
                    f"TriggerData.{name} of type string"
                )
            out[name] = value
    present, vars_ = bodies.field(body, "vars")
    if present and vars_ is not None:
        if not isinstance(vars_, dict):
            raise internal(
                f"json: cannot unmarshal {bodies.kind(vars_)} into Go struct field "
                "TriggerData.vars of type map[string]string"
            )
        vars_ = {k: "" if v is None else v for k, v in vars_.items()}  # null: no effect
        for key, value in vars_.items():
            if not isinstance(value, str):
                raise internal(
                    f"json: cannot unmarshal {bodies.kind(value)} into Go struct field "
                    f"TriggerData.vars.{key} of type string"
                )
        out["vars"] = vars_
    return out


def build_trigger(data: dict[str, Any]) -> Trigger:
    """Validate decoded TriggerData (``TriggerData.Validate``: 400 rules, messages wrapped
    in "validating data: "); the workflow check is the caller's."""
    if not data.get("event"):
        raise validation("validating data: missing event")
    if not data.get("workflowID"):
        raise validation("validating data: missing workflow id")
    filter_ = data.get("filter")
    vars_: dict[str, str] | None = data.get("vars")
    for source in ([filter_] if filter_ else []) + list((vars_ or {}).values()):
        error = compile_error(source)
        if error is not None:
            raise validation(f"validating data: error compiling expression '{source}': {error}")
    return Trigger(
        id=new_id(),
        name=data.get("name", ""),
        event=data["event"],
        workflow_id=data["workflowID"],
        created_at=now_str(),
        filter=filter_,
        vars=None if vars_ is None else tuple(vars_.items()),
        version=data.get("version"),
    )


def _undecodable(ctx: Ctx, message: str) -> ApiError:
    """A body the handler cannot decode: 500 today, 400 with ``fix/api-error-mapping``."""
    return validation(message) if ctx.profile.api_error_mapping else internal(message)


def create(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
        data = _decode_trigger(body)
    except bodies.BodyError as exc:
        raise _undecodable(ctx, str(exc)) from None
    except ApiError as exc:
        raise _undecodable(ctx, exc.message) from None
    trigger = build_trigger(data)
    store = ctx.app.store
    with store.lock:
        workflow = store.get_workflow(trigger.workflow_id)
        if workflow is None or workflow.deleted_at is not None:
            raise not_found("workflow does not exists")
        store.insert_triggers([trigger])
        ctx.record(
            "create",
            "trigger",
            trigger.id,
            trigger.name,
            {"event": trigger.event, "workflowID": trigger.workflow_id},
        )
    return Response.json(201, {"data": trigger.to_json()})


def list_(ctx: Ctx) -> Response:
    """v1 and v2 alike: ``bunpaginate.Extract`` (a cursor overrides every parameter), one
    page; v1 answers ``{"data": [...]}`` (15 by default, up to 100), v2 a cursor."""
    page = parse_page(ctx.request, ("name",))
    name = page.filters.get("name")
    if name and not ctx.profile.name_filter:
        # The service builds invalid SQL for this filter (fixed by fix/triggers-name-filter-sql)
        raise internal('ERROR: syntax error at or near "name" (SQLSTATE=42601)')
    rows = ctx.app.store.list_triggers(page.offset, page.size + 1, name_like=name)
    items = [t.to_json() for t in rows]
    if ctx.version == "v1":
        return Response.json(200, {"data": items[: page.size]})
    return Response.json(200, cursor_body(page, items))


def read(ctx: Ctx) -> Response:
    """A deleted trigger is not readable (the query filters ``deleted_at IS NULL``): 404."""
    trigger = ctx.app.store.get_trigger(ctx.params["id"])
    if trigger is None or trigger.deleted_at is not None:
        raise not_found(NO_ROWS)
    return Response.json(200, {"data": trigger.to_json()})


def delete(ctx: Ctx) -> Response:
    """``UPDATE ... WHERE deleted_at IS NULL``; nothing changed is "no rows": 404, also for
    an already deleted trigger."""
    store = ctx.app.store
    with store.lock:
        trigger = store.get_trigger(ctx.params["id"])
        if trigger is None or trigger.deleted_at is not None:
            raise not_found(NO_ROWS)
        store.delete_trigger(trigger.id, now_str())
        ctx.record("delete", "trigger", trigger.id, trigger.name, {"event": trigger.event})
    return Response.empty(204)


def trigger_test_result(
    trigger: Trigger, payload: Any, link: LinkFollower | None = None
) -> dict[str, Any]:
    """The test endpoint's answer: filter (null when none), then vars if it matched
    (``variables`` is null when the trigger has no vars)."""
    result: dict[str, Any] = {"filter": None, "variables": None}
    if trigger.filter is not None:
        outcome = evaluate(trigger.filter, payload, link)
        matched = not outcome.error and filter_matches(outcome.value)
        result["filter"] = {"match": matched}
        if outcome.error:
            result["filter"]["error"] = outcome.error
        if not matched:
            return result
    if trigger.vars:
        variables: dict[str, Any] = {}
        for key, source in trigger.vars:
            outcome = evaluate(source, payload, link)
            entry: dict[str, str] = {}
            value = "" if outcome.error else stringify(outcome.value)
            if value:
                entry["value"] = value
            if outcome.error:
                entry["error"] = outcome.error
            variables[key] = entry
        result["variables"] = variables
    return result


def _test_payload(ctx: Ctx) -> dict[str, Any]:
    """``json.NewDecoder(r.Body).Decode(&map[string]any{})``: a JSON object (null is an
    empty one); anything else is 500 (400 with ``fix/api-error-mapping``)."""
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise _undecodable(ctx, str(exc)) from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise _undecodable(
            ctx,
            f"json: cannot unmarshal {bodies.kind(body)} into Go value of type "
            "map[string]interface {}",
        )
    return body


def test(ctx: Ctx) -> Response:
    payload = _test_payload(ctx)
    trigger = ctx.app.store.get_trigger(ctx.params["id"])
    if trigger is None or trigger.deleted_at is not None:
        raise not_found(NO_ROWS) if ctx.profile.api_error_mapping else internal(NO_ROWS)
    result = trigger_test_result(trigger, payload, link_follower(ctx.app))
    return Response.json(200, {"data": result})


def occurrence_json(ctx: Ctx, doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    instance_id = doc.get("workflowInstanceID")
    if instance_id:
        instance = ctx.app.store.get_instance(instance_id)
        if instance is not None:
            out["workflowInstance"] = public(instance)
    out.pop(PRIVATE, None)
    return out


def occurrences(ctx: Ctx) -> Response:
    store = ctx.app.store
    trigger_id = ctx.params["id"]
    if ctx.version == "v1":
        docs = store.list_occurrences(trigger_id)
        return Response.json(200, {"data": [occurrence_json(ctx, d) for d in docs]})
    page = parse_page(ctx.request)
    docs = store.list_occurrences(trigger_id, page.offset, page.size + 1)
    return Response.json(200, cursor_body(page, [occurrence_json(ctx, d) for d in docs]))
