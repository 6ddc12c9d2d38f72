"""Instance endpoints: run, list, get, send event, abort, history, stage history."""

from __future__ import annotations

import re
from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.errors import NO_ROWS, ApiError, internal, not_found, validation
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, page_size, parse_page
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.runner import INSTANCE_NOT_FOUND, PRIVATE, present, public
from orchctl.sandbox.workflows import readable

_INT64 = re.compile(r"[+-]?[0-9]+")


def query_bool(raw: str | None) -> bool:
    """go-libs' ``QueryParamBool``: true for ``1`` or ``true`` (any case), else false."""
    return (raw or "").lower() in ("1", "true")


def _not_found(ctx: Ctx, message: str) -> ApiError:
    """A missing row: 500 today, 404 with ``fix/api-error-mapping``."""
    return not_found(message) if ctx.profile.api_error_mapping else internal(message)


def _instance(ctx: Ctx, instance_id: str, wrap: str = "") -> dict[str, Any]:
    doc = ctx.app.store.get_instance(instance_id)
    if doc is None:
        raise _not_found(ctx, f"{wrap}{NO_ROWS}" if wrap else INSTANCE_NOT_FOUND)
    return doc


def run(ctx: Ctx) -> Response:
    variables: dict[str, str] = {}
    if ctx.request.body:  # the handler decodes only when Content-Length > 0
        try:
            body = bodies.decode(ctx.request)
        except bodies.BodyError as exc:
            raise validation(str(exc)) from None
        if body is not None:
            if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
                raise validation("json: cannot unmarshal into Go value of type map[string]string")
            variables = body
    store = ctx.app.store
    workflow = readable(ctx, ctx.params["id"])
    with store.lock:
        instance = ctx.app.runner.start(workflow, variables)
        ctx.record("run", "instance", instance["id"], None, {"workflowID": workflow.id})
    if query_bool(ctx.request.param("wait")):
        return Response.json(201, {"data": present(store, ctx.app.runner.wait(instance["id"]))})
    # RunWorkflow answers the instance as inserted: no stages yet, no workflow relation
    return Response.json(201, {"data": public(instance)})


def list_(ctx: Ctx) -> Response:
    """Instances of live workflows; ``running`` true keeps the unterminated ones, any other
    value filters nothing. v1: everything (one page with ``fix/v1-list-pagination``)."""
    store = ctx.app.store
    if ctx.version == "v1":
        limit = page_size(ctx.request) if ctx.profile.v1_list_pagination else None
        docs = store.list_instances(
            workflow_id=ctx.request.param("workflowID") or None,
            running=query_bool(ctx.request.param("running")),
            limit=limit,
        )
        return Response.json(200, {"data": [present(store, d) for d in docs]})
    page = parse_page(ctx.request, ("workflowID", "running"))
    docs = store.list_instances(
        workflow_id=page.filters.get("workflowID"),
        running=query_bool(page.filters.get("running")),
        offset=page.offset,
        limit=page.size + 1,
    )
    return Response.json(200, cursor_body(page, [present(store, d) for d in docs]))


def get(ctx: Ctx) -> Response:
    return Response.json(200, {"data": present(ctx.app.store, _instance(ctx, ctx.params["id"]))})


def send_event(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(str(exc)) from None
    name: Any = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise validation("name is required")
    _instance(ctx, ctx.params["id"], "retrieving workflow: ")
    with ctx.app.store.lock:
        ctx.app.runner.send_event(ctx.params["id"], name)
        ctx.record("send_event", "instance", ctx.params["id"], None, {"event": name})
    return Response.empty(204)


def abort(ctx: Ctx) -> Response:
    _instance(ctx, ctx.params["id"], "retrieving workflow execution: ")
    with ctx.app.store.lock:
        ctx.app.runner.abort(ctx.params["id"])
        ctx.record("abort", "instance", ctx.params["id"], None, {})
    return Response.empty(204)


def history(ctx: Ctx) -> Response:
    doc = _instance(ctx, ctx.params["id"])
    return Response.json(200, {"data": doc[PRIVATE]["history"]})


def stage_history(ctx: Ctx) -> Response:
    """``strconv.ParseInt(number, 10, 64)``: not an integer -> 404 with no body; a stage that
    did not run (past the last one, say) or an unknown instance -> 404 "Instance not found"
    (Temporal has no such child workflow)."""
    raw = ctx.params["number"]
    if not _INT64.fullmatch(raw) or not -(2**63) <= int(raw) < 2**63:
        return Response.empty(404)
    number = int(raw)
    doc = ctx.app.store.get_instance(ctx.params["id"])
    stages = doc[PRIVATE]["stageHistory"] if doc is not None else []
    if not 0 <= number < len(stages):
        raise not_found(INSTANCE_NOT_FOUND)
    return Response.json(200, {"data": stages[number]})
