"""Instance endpoints: run, list, get, send event, abort, history, stage history."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.errors import NO_ROWS, internal, validation
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, parse_page
from orchctl.sandbox.runner import PRIVATE, public


def _bool_param(ctx: Ctx, name: str) -> bool | None:
    raw = ctx.request.param(name)
    if raw is None or raw == "":
        return None
    lowered = raw.lower()
    if lowered in ("1", "t", "true"):
        return True
    if lowered in ("0", "f", "false"):
        return False
    raise validation(f'strconv.ParseBool: parsing "{raw}": invalid syntax')


def run(ctx: Ctx) -> Response:
    store = ctx.app.store
    workflow = store.get_workflow(ctx.params["id"])
    if workflow is None:
        raise internal(NO_ROWS)
    variables: dict[str, str] = {}
    if ctx.request.body.strip():
        try:
            body = bodies.decode(ctx.request)
        except bodies.BodyError as exc:
            raise validation(str(exc)) from None
        if body is not None:
            if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
                raise validation("json: cannot unmarshal into Go value of type map[string]string")
            variables = body
    wait = _bool_param(ctx, "wait")
    with store.lock:
        instance = ctx.app.runner.start(workflow, variables)
        ctx.record("run", "instance", instance["id"], None, {"workflowID": workflow.id})
    if wait:
        instance = ctx.app.runner.wait(instance["id"])
    return Response.json(201, {"data": public(instance)})


def list_(ctx: Ctx) -> Response:
    store = ctx.app.store
    if ctx.version == "v1":
        docs = store.list_instances(
            workflow_id=ctx.request.param("workflowID") or None,
            running=_bool_param(ctx, "running"),
        )
        return Response.json(200, {"data": [public(d) for d in docs]})
    page = parse_page(ctx.request, ("workflowID", "running"))
    running_raw = page.filters.get("running")
    running = None
    if running_raw is not None:
        running = running_raw.lower() in ("1", "t", "true")
        if not running and running_raw.lower() not in ("0", "f", "false"):
            raise validation(f'strconv.ParseBool: parsing "{running_raw}": invalid syntax')
    docs = store.list_instances(
        workflow_id=page.filters.get("workflowID"),
        running=running,
        offset=page.offset,
        limit=page.size + 1,
    )
    return Response.json(200, cursor_body(page, [public(d) for d in docs]))


def get(ctx: Ctx) -> Response:
    return Response.json(200, {"data": public(ctx.app.runner.get(ctx.params["id"]))})


def send_event(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(str(exc)) from None
    name: Any = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise validation("name is required")
    with ctx.app.store.lock:
        ctx.app.runner.send_event(ctx.params["id"], name)
        ctx.record("send_event", "instance", ctx.params["id"], None, {"event": name})
    return Response.empty(204)


def abort(ctx: Ctx) -> Response:
    with ctx.app.store.lock:
        ctx.app.runner.abort(ctx.params["id"])
        ctx.record("abort", "instance", ctx.params["id"], None, {})
    return Response.empty(204)


def history(ctx: Ctx) -> Response:
    doc = ctx.app.runner.get(ctx.params["id"])
    return Response.json(200, {"data": doc[PRIVATE]["history"]})


def stage_history(ctx: Ctx) -> Response:
    doc = ctx.app.runner.get(ctx.params["id"])
    raw = ctx.params["number"]
    try:
        number = int(raw)
    except ValueError:
        raise validation(f'strconv.Atoi: parsing "{raw}": invalid syntax') from None
    stages = doc[PRIVATE]["stageHistory"]
    data = stages[number] if 0 <= number < len(stages) else []
    return Response.json(200, {"data": data})
