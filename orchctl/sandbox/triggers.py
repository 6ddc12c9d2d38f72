"""Trigger endpoints: create, list, read, delete (soft), test, occurrences."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS, internal, not_found, validation
from orchctl.sandbox.expressions import compile_error, evaluate, filter_matches, stringify
from orchctl.sandbox.ids import new_id
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, parse_page
from orchctl.sandbox.records import Trigger
from orchctl.sandbox.runner import PRIVATE, public

V1_LIST_CAP = 15
_STRING_FIELDS = ("event", "workflowID", "name", "filter", "version")


def _decode_trigger(body: Any) -> dict[str, Any]:
    """Decode a TriggerData body; undecodable bodies are a 500 on the real server."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise internal(
            f"json: cannot unmarshal {bodies.kind(body)} into Go value of type TriggerData"
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
        for key, value in vars_.items():
            if not isinstance(value, str):
                raise internal(
                    f"json: cannot unmarshal {bodies.kind(value)} into Go struct field "
                    f"TriggerData.vars.{key} of type string"
                )
        out["vars"] = vars_
    return out


def build_trigger(data: dict[str, Any]) -> Trigger:
    """Validate decoded TriggerData (400 rules); the workflow check is the caller's."""
    if not data.get("event"):
        raise validation("event is required")
    if not data.get("workflowID"):
        raise validation("workflowID is required")
    filter_ = data.get("filter")
    if filter_:
        error = compile_error(filter_)
        if error is not None:
            raise validation(f"compiling filter: {error}")
    vars_: dict[str, str] | None = data.get("vars")
    for key, source in (vars_ or {}).items():
        error = compile_error(source)
        if error is not None:
            raise validation(f"compiling var '{key}': {error}")
    return Trigger(
        id=new_id(),
        name=data.get("name", ""),
        event=data["event"],
        workflow_id=data["workflowID"],
        created_at=now_str(),
        filter=filter_,
        vars=None if vars_ is None else tuple(vars_.items()),
        version=data.get("version") or None,
    )


def create(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise internal(str(exc)) from None
    trigger = build_trigger(_decode_trigger(body))
    store = ctx.app.store
    with store.lock:
        workflow = store.get_workflow(trigger.workflow_id)
        if workflow is None or workflow.deleted_at is not None:
            raise not_found(f"workflow {trigger.workflow_id} not found")
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
    if ctx.request.param("name") and not (ctx.version == "v2" and ctx.request.param("cursor")):
        # The real server builds invalid SQL for this filter (with a v2 cursor, every other
        # query parameter is ignored, this one included).
        raise internal('ERROR: syntax error at or near "name" (SQLSTATE=42601)')
    store = ctx.app.store
    if ctx.version == "v1":
        rows = store.list_triggers(0, V1_LIST_CAP)
        return Response.json(200, {"data": [t.to_json() for t in rows]})
    page = parse_page(ctx.request)
    rows = store.list_triggers(page.offset, page.size + 1)
    return Response.json(200, cursor_body(page, [t.to_json() for t in rows]))


def read(ctx: Ctx) -> Response:
    trigger = ctx.app.store.get_trigger(ctx.params["id"])
    if trigger is None:
        raise not_found(NO_ROWS)
    return Response.json(200, {"data": trigger.to_json()})


def delete(ctx: Ctx) -> Response:
    store = ctx.app.store
    with store.lock:
        trigger = store.get_trigger(ctx.params["id"])
        if trigger is None:
            raise not_found(NO_ROWS)
        if trigger.deleted_at is None:
            store.delete_trigger(trigger.id, now_str())
            ctx.record("delete", "trigger", trigger.id, trigger.name, {"event": trigger.event})
    return Response.empty(204)


def trigger_test_result(trigger: Trigger, payload: Any, link: Any = None) -> dict[str, Any]:
    """The test endpoint's answer: filter (null when none), then vars if it matched."""
    result: dict[str, Any] = {"filter": None, "variables": None}
    if trigger.filter is not None:
        outcome = evaluate(trigger.filter, payload, link)
        matched = not outcome.error and filter_matches(outcome.value)
        result["filter"] = {"match": matched, "error": outcome.error}
        if not matched:
            return result
    if trigger.vars is not None:
        variables: dict[str, Any] = {}
        for key, source in trigger.vars:
            outcome = evaluate(source, payload, link)
            value = "" if outcome.error else stringify(outcome.value)
            variables[key] = {"value": value, "error": outcome.error}
        result["variables"] = variables
    return result


def test(ctx: Ctx) -> Response:
    trigger = ctx.app.store.get_trigger(ctx.params["id"])
    if trigger is None:
        raise internal(NO_ROWS)
    try:
        payload = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(str(exc)) from None
    from orchctl.sandbox.events import link_resolver

    return Response.json(
        200, {"data": trigger_test_result(trigger, payload, link_resolver(ctx.app))}
    )


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
